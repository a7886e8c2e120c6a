"""The WSGI application of the wiki, for a production server (``make serve`` runs gunicorn on it).

The configuration (``wikiconfig.py``) reads ``production.env`` and the environment.
"""

from __future__ import annotations

import os

from moin.app import create_app

application = create_app(os.path.join(os.path.dirname(os.path.abspath(__file__)), "wikiconfig.py"))
