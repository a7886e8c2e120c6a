"""Where the structured layer plugs into moin: converter registry, moin's signals, Flask's app signals.

Imported by ``wikiconfig.py`` (and the tests' config): importing it is all it takes.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from typing import Any

from flask import appcontext_pushed, has_request_context, request
from moin.constants.keys import ITEMID, REVID
from moin.signalling import ANY, item_modified

from plugins.indexing import merging, moin_searchers
from plugins.indexing.structured import get_index
from plugins.views import macro_reads, rendering
from plugins.web import routes, write_lock
from plugins.web.schema_forms import warn_after_save

DESTROY_ACTIONS = ("DESTROY_REV", "DESTROY_ALL")
log = logging.getLogger(__name__)

rendering.register()
macro_reads.register()
# some systems' mime.types map .svg to text/xml, which browsers refuse in <img> (our logo, chain diagrams)
mimetypes.add_type("image/svg+xml", ".svg")


@item_modified.connect_via(ANY)
def on_item_modified(app: Any, fqname: Any = None, action: str = "", **kwargs: Any) -> None:
    """Keep the structured index in step with every save, rename, trash, revert, destroy, convert."""
    index = get_index(app)
    if index is None:
        return
    new_meta = kwargs.get("new_meta")  # moin's Meta mapping: test against None, its truth value is unreliable
    if str(action) not in DESTROY_ACTIONS and new_meta is not None and new_meta.get(REVID):
        try:
            index.store_revision(new_meta)
            if has_request_context() and request.endpoint == "frontend.modify_item":
                warn_after_save(app, new_meta)
        except OSError:
            # the revision is safe in moin's storage; our index (disk full, say) catches up at the next read
            log.exception("index structuré non mis à jour (%s) : il sera vérifié et réparé", fqname)
            index.mark_stale()
        return
    meta = new_meta if new_meta is not None else kwargs.get("meta")
    itemid = meta.get(ITEMID) if meta is not None else None
    if itemid:
        index.defer(itemid)  # moin signals a destroy before doing it: look again once it is done


#: the first requests of a threaded worker arrive together: one attaches our hooks, the others wait for it
_SETUP_LOCK = threading.Lock()


@appcontext_pushed.connect_via(ANY)
def on_app_context(app: Any, **kwargs: Any) -> None:
    """Attach our views to moin's app the first time it is used (before its first request)."""
    if getattr(app, "cfg", None) is None or getattr(app, "_got_first_request", False):
        return
    with _SETUP_LOCK:
        # checked again under the lock: two first requests could both pass the checks, one attach the hooks and
        # start its request, and the other's attaching then fail (Flask refuses hooks once a request started:
        # a 500 to a login, seen once in make test)
        if getattr(app, "_got_first_request", False):
            return
        routes.init_app(app)
        if getattr(app, "storage", None) is not None and not app.extensions.get("ecossolies_searchers"):
            # one Whoosh searcher kept per thread (plugins/indexing/moin_searchers.py)
            moin_searchers.install(app.storage)
            app.teardown_request(lambda _exc: moin_searchers.settle(app.storage))
            app.before_request(lambda: _merge_beside(app))
            app.teardown_request(lambda _exc: _after_write(app))
            app.extensions["ecossolies_searchers"] = True


def _merge_beside(app: Any) -> None:
    """A process that serves requests merges moin's index segments beside the saves, not in them
    (plugins/indexing/merging.py); each write wakes its merger. Commands (imports, rebuilds) keep Whoosh's merges,
    and so does our structured index (its merges, made apart, would renew the search's and listings' kept work)."""
    if merging.running(app) is None:
        if not getattr(app.cfg, "ecossolies_background_merges", True):
            return
        indexes = getattr(getattr(app.storage, "indexer", app.storage), "ix", None) or {}
        wrapped = [ix for ix in indexes.values() if isinstance(ix, moin_searchers.ReusingIndex)]
        folders = {getattr(ix.storage, "folder", None) for ix in wrapped}
        if not wrapped or len(folders) != 1 or None in folders:
            return  # not moin's three indexes in one folder: Whoosh merges as usual
        folder = folders.pop()
        merging.start(app, [(folder, ix.indexname) for ix in wrapped], write_lock.lock_path(app))
        for ix in wrapped:
            ix.merge_policy = merging.KEEP_SEGMENTS


def _after_write(app: Any) -> None:
    merger = merging.running(app)
    if merger is not None and request.method not in write_lock.READ_METHODS:
        merger.wake()
