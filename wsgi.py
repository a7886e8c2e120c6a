"""The WSGI application of the wiki, for a production server (``make serve`` runs gunicorn on it).

The configuration (``wikiconfig.py``) reads ``production.env`` and the environment.
"""

from __future__ import annotations

import gc
import os

from moin.app import create_app

from plugins.web import priority

moin_application = create_app(os.path.join(os.path.dirname(os.path.abspath(__file__)), "wikiconfig.py"))
# saves and members before anonymous readers for the processor (plugins/web/priority.py)
application = priority.wrap(moin_application)

# moin runs a full garbage collection at every save (storage/middleware/indexing.py, to close Whoosh's files):
# with the ~130,000 objects of the loaded app that took 55 ms of every worker's interpreter, stalling all its
# threads. The app lives as long as the process: its objects are set aside from the collector's scans, which
# then only look at what requests made (benchmarks/charge.py measures the effect).
gc.freeze()

