"""Our translation catalogues (moin ships no French one): compiled from ``translations/*/LC_MESSAGES/*.po``.

``python -m plugins.operations.i18n`` compiles every catalogue whose .mo is missing or older than its .po (the set-up
does it; the tests too).
"""

from __future__ import annotations

import glob
import os

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "translations")


def compile_catalogues(directory: str = TRANSLATIONS) -> list[str]:
    """Compile the .po files that changed; return the .mo files written."""
    written = []
    for po_path in glob.glob(os.path.join(directory, "*", "LC_MESSAGES", "*.po")):
        mo_path = po_path[:-3] + ".mo"
        if os.path.exists(mo_path) and os.path.getmtime(mo_path) >= os.path.getmtime(po_path):
            continue
        locale = po_path.split(os.sep)[-3]
        with open(po_path, "rb") as f:
            catalog = read_po(f, locale=locale)
        with open(mo_path, "wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"compilé : {os.path.relpath(path, TRANSLATIONS)}")
