"""Links to the wiki's own routes, built by Flask from their endpoints (``url_for``), never written by hand:
they follow the routes if one moves, and the mount point when the wiki is served under a path prefix.

The query string is ours (``plugins/indexing/selection_args.py`` writes a selection's filters in a stable
order), appended as it is.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import url_for


def route_url(endpoint: str, query: str | dict[str, Any] = "", **values: Any) -> str:
    """The path of ``endpoint`` with ``values`` in its rule, then ``query`` (a query string or a mapping)."""
    path = url_for(endpoint, **values)
    if isinstance(query, dict):
        query = urlencode({k: v for k, v in query.items() if v is not None})
    return f"{path}?{query}" if query else path
