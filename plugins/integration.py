"""Where the structured layer plugs into moin: converter registry, moin's signals, Flask's app signals.

Imported by ``wikiconfig.py`` (and the tests' config): importing it is all it takes.
"""

from __future__ import annotations

from typing import Any

from flask import appcontext_pushed
from moin.constants.keys import ITEMID
from moin.signalling import ANY, item_modified

from plugins import rendering, web
from plugins.index import get_index

DESTROY_ACTIONS = ("DESTROY_REV", "DESTROY_ALL")

rendering.register()


@item_modified.connect_via(ANY)
def on_item_modified(app: Any, fqname: Any = None, action: str = "", **kwargs: Any) -> None:
    """Keep the structured index in step with every save, rename, trash, revert, destroy, convert."""
    index = get_index(app)
    if index is None:
        return
    meta = kwargs.get("new_meta") or kwargs.get("meta") or {}
    itemid = meta.get(ITEMID)
    if not itemid:
        return
    if str(action) in DESTROY_ACTIONS:
        index.defer(itemid)  # moin signals a destroy before doing it
    else:
        index.refresh([itemid])


@appcontext_pushed.connect_via(ANY)
def on_app_context(app: Any, **kwargs: Any) -> None:
    """Attach our views to moin's app the first time it is used (before its first request)."""
    if getattr(app, "cfg", None) is not None and not getattr(app, "_got_first_request", False):
        web.init_app(app)
