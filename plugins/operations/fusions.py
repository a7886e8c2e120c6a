"""The process that merges the wiki's index segments (``python -m plugins.operations.fusions LOCK INDEXES``).

Started by each serving process (plugins/web/integration.py); see plugins/indexing/merging.py. It swaps each
merged segment in under the wiki's write lock (plugins/web/write_lock.py), as any writer.
"""

from __future__ import annotations

import json
import logging
import sys

from plugins.indexing import merging
from plugins.web import write_lock


def main(argv: list[str]) -> int:
    lock_file, indexes = argv[0], [tuple(entry) for entry in json.loads(argv[1])]
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s fusions: %(message)s")
    try:
        merging.serve(lock_file, indexes, lambda: write_lock.held(lock_file))  # type: ignore[arg-type]
    except KeyboardInterrupt:  # Ctrl-C on `make run` or `make serve` reaches the whole process group
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
