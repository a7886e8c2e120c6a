"""The rendered-answer cache for anonymous readers, and the HTTP caching headers of every answer.

moin 2.0.0b5 renders every page for every reader. A public wiki is read far more than written, mostly by
visitors who are not logged in, and all of them get the same answer: so the answers to anonymous readers
(item views, our listings inside them, maps, exports, feeds, search results) are kept in memory, per worker
process, and served again until the wiki changes.

Never stale, and renewed only as needed: an answer depends on *tags* (plugins/web/generations.py): the
page shown (``item:<id>``), the page types its listings read (``type:fiche``, recorded while it is computed by
plugins/indexing/dependencies.py), or the whole wiki (search, feeds, a page with an unreviewed macro or a
transclusion). A table of tokens, one per tag, in a small file of the instance that every worker reads at each
request, is updated by every write: a save that only changes a page's text and data renews that page, the
listings of its type (before and after) and what reads the whole wiki; any other write (a new page, a rename, a
trash, an ACL, a group, an account, a command of ours, a change moin signals outside a request) renews every
answer. An answer is stored only if none of its tokens changed while it was computed, and served only under
those tokens; the writer updates them before its request ends, so a reader who asks after a save has returned
gets the new text.

The key also holds the day (in the wiki's time zone), for answers that depend on the date (an agenda's
« à venir »), and no answer is kept more than ``public_cache_seconds`` (10 minutes) whatever happens.

Never private: nothing is looked up nor stored for a request that carries a session cookie or credentials,
nor for a logged-in reader, a non-GET, a non-200, an answer that sets a cookie or changes the session, a page
with its own ACL (or in a namespace of inherited ACLs), or a view that calls :func:`forbid`. moin writes the
"trail" of visited pages into the session of every visitor; our theme never shows it, so for an anonymous
visitor without a cookie it is dropped rather than turned into a cookie.

Shared: an answer computed by one worker process is also written to the instance's shared store
(plugins/web/shared_store.py), where the other workers find it; while one computes it, the others wait for it.
After a change each answer is computed once for the whole server, not once per worker.

HTTP: anonymous cached answers carry ``ETag`` and ``Last-Modified`` (the time of the last write) and answer
``304 Not Modified`` to a conditional request; ``Cache-Control: public`` lets a reverse proxy keep them
``public_cache_proxy_seconds`` (README: nginx); every other answer except static files is
``private, no-store``. Security headers are added to cached answers by the same after-request hooks as to
fresh ones.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import formatdate
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app, g, has_request_context, request, session
from moin import flaskg
from moin.constants.keys import ACL, CURRENT, ITEMID, NAME, NAMESPACE, USERGROUP, WIKIDICT
from moin.signalling import ANY, item_modified
from moin.utils.interwiki import split_fqname
from werkzeug.http import parse_cookie

from plugins.indexing import dependencies
from plugins.indexing.structured import get_index
from plugins.web import generations
from plugins.web.shared_store import DIRECTORY, SharedStore, Stored, release

#: default size of each worker's cache (bytes of stored answers)
DEFAULT_BYTES = 64 * 1024 * 1024
#: the longest an answer is kept, whatever happens (seconds): nothing is written, but the hour moves on
DEFAULT_SECONDS = 600
#: an answer bigger than this is not kept (a few exports of everything)
MAX_ENTRY_FRACTION = 8
#: how long a reverse proxy may keep an anonymous answer (seconds) by default
DEFAULT_PROXY_SECONDS = 1
#: what readers of the same answer wait for its first computation before computing it themselves
WAIT_FOR_OTHER = 10.0
#: the views whose anonymous answers are kept: item views, our listings' exports, maps, feeds, search
CACHEABLE_ENDPOINTS = frozenset(
    {
        "frontend.show_item",
        "feed.atom",
        "ecossolies.export",
        "ecossolies.chain_export",
        "ecossolies.agenda_feed",
        "ecossolies.map_page",
        "ecossolies.search",
        "ecossolies.ecossolies_financements.export",
        "ecossolies.ecossolies_financements.chart",
        "ecossolies.ecossolies_financements.map_page",
    }
)
#: requests that read only (the others may write: plugins/web/write_lock.py serialises them)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: requests that do not write although their method may: they do not make a new generation
NOT_WRITES = frozenset({"frontend.login", "frontend.logout"})
#: headers that are recomputed for each answer, never stored
UNSTORED_HEADERS = frozenset(
    {"set-cookie", "date", "content-length", "cache-control", "etag", "last-modified", "vary", "x-cache-wiki"}
)
STATIC_PREFIXES = ("/static/", "/+serve/", "/+template/", "/_themes/")
CACHE_HEADER = "X-Cache-Wiki"
#: the views whose answers may depend on less than the whole wiki: every read of theirs is either of the page
#: shown, or recorded (plugins/indexing/dependencies.py, plugins/views/macro_reads.py); the other views'
#: answers are renewed by every write
NARROWABLE_ENDPOINTS = frozenset({"frontend.show_item", "ecossolies.map_page", "ecossolies.export"})
#: moin's action of a save that keeps the item's names
SAVE_ACTION = "SAVE"


@dataclass(frozen=True)
class Entry:
    """One stored answer, as the view and the other hooks made it (security headers included), with the slots
    of the tags it depends on and their tokens when its computation began."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    slots: tuple[int, ...] = (generations.GLOBAL, generations.ANY_WRITE)
    tokens: bytes = b""
    stored_at: float = field(default_factory=time.monotonic)

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200 + len(self.tokens)

    def valid(self, table: bytes) -> bool:
        return generations.tokens(table, self.slots) == self.tokens


# -- the generations -------------------------------------------------------------------------------------------


def bump(app: Any) -> None:
    """A write this layer cannot describe happened: every cached answer of every worker is now out of date."""
    generations.bump(app)


def _in_write_request() -> bool:
    return has_request_context() and request.method not in READ_METHODS


@item_modified.connect_via(ANY)
def on_item_modified(app: Any, **kwargs: Any) -> None:
    """Every change moin makes to an item (save, rename, trash, revert, destroy, ACL, group). In a request that
    writes, it is noted and the request renews what it changed when it ends (:func:`end_request`); elsewhere (our
    commands, the tests, a read that repairs) it renews every answer at once."""
    if getattr(app, "cfg", None) is None:
        return
    if _in_write_request():
        g.setdefault("ecossolies_changes", []).append(
            (str(kwargs.get("action") or ""), kwargs.get("meta"), kwargs.get("new_meta"))
        )
    else:
        bump(app)


# -- the store -------------------------------------------------------------------------------------------------


class PublicCache:
    """A bounded least-recently-used store of answers, each served while its tokens are current."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES, max_seconds: float = DEFAULT_SECONDS) -> None:
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self._entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._inflight: dict[tuple[Any, ...], threading.Event] = {}
        self.hits = self.stores = 0

    def get(self, table: bytes, key: tuple[Any, ...]) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and time.monotonic() - entry.stored_at > self.max_seconds:
                self._bytes -= entry.size  # kept too long for answers that depend on the hour
                del self._entries[key]
                entry = None
            if entry is not None and not entry.valid(table):
                # out of date for these tokens, but perhaps the newest for a reader who asked before a write
                # (or newer than this reader's tokens): replaced when computed again
                entry = None
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            return entry

    def put(self, key: tuple[Any, ...], entry: Entry) -> bool:
        if entry.size * MAX_ENTRY_FRACTION > self.max_bytes:
            return False
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += entry.size
            while self._bytes > self.max_bytes and self._entries:
                _key, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size
            self.stores += 1
        return True

    def claim(self, key: tuple[Any, ...]) -> threading.Event | None:
        """Become the one computing ``key`` (None), or get the event of the request already computing it."""
        with self._lock:
            event = self._inflight.get(key)
            if event is None:
                self._inflight[key] = threading.Event()
            return event

    def release(self, key: tuple[Any, ...]) -> None:
        with self._lock:
            event = self._inflight.pop(key, None)
        if event is not None:
            event.set()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        return self._bytes


def get_shared(app: Any) -> SharedStore | None:
    """The store shared by the worker processes (``public_cache_shared = False`` in the config: none)."""
    if not getattr(app.cfg, "public_cache_shared", True):
        return None
    shared = app.extensions.get("ecossolies_cache_shared")
    if shared is None:
        cfg = app.cfg
        shared = SharedStore(
            os.path.join(cfg.instance_dir, DIRECTORY),
            int(getattr(cfg, "public_cache_bytes", DEFAULT_BYTES)),
            float(getattr(cfg, "public_cache_seconds", DEFAULT_SECONDS)),
        )
        app.extensions["ecossolies_cache_shared"] = shared
    return shared


def get_cache(app: Any) -> PublicCache:
    cache = app.extensions.get("ecossolies_cache_public")
    if cache is None:
        cfg = app.cfg
        cache = PublicCache(
            int(getattr(cfg, "public_cache_bytes", DEFAULT_BYTES)),
            float(getattr(cfg, "public_cache_seconds", DEFAULT_SECONDS)),
        )
        app.extensions["ecossolies_cache_public"] = cache
    return cache


# -- deciding ------------------------------------------------------------------------------------------------------


def served_from_cache() -> bool:
    """This answer is one kept earlier: every after-request hook that rewrites a body already ran on it."""
    return g.get("ecossolies_cache_etag") is not None


def forbid() -> None:
    """Called by a view or macro whose answer depends on who reads: this answer is not kept."""
    g.ecossolies_cache_forbidden = True


def _is_static() -> bool:
    return request.path.startswith(STATIC_PREFIXES)


def _has_identity() -> bool:
    """The request may belong to a member: a session cookie, credentials, or a server-side user."""
    cookie_name = current_app.config.get("SESSION_COOKIE_NAME", "session")
    return (
        cookie_name in request.cookies or "Authorization" in request.headers or bool(request.environ.get("REMOTE_USER"))
    )


def _key() -> tuple[Any, ...]:
    return _key_of(request, current_app.cfg)


def _key_of(incoming: Any, cfg: Any) -> tuple[Any, ...]:
    """Everything an anonymous answer depends on: address (scheme, host), path, query, language, and the day
    in the wiki's time zone (an agenda's « à venir », the days an interpellation has waited)."""
    today = datetime.now(ZoneInfo(cfg.timezone_default)).date()
    return (incoming.host_url, incoming.path, incoming.query_string, cfg.locale_default, today)


def _candidate() -> bool:
    return (
        bool(getattr(current_app.cfg, "public_cache", True))
        and request.method in ("GET", "HEAD")
        and request.url_rule is not None
        and request.url_rule.endpoint in CACHEABLE_ENDPOINTS
        and not _has_identity()
    )


def _item_is_public() -> bool:
    """An item view is kept only if no ACL of its own (nor an inherited one) decides who reads it."""
    if request.url_rule is None or request.url_rule.endpoint != "frontend.show_item":
        return True

    fqname = split_fqname((request.view_args or {}).get("item_name", ""))
    for namespace, acls in flaskg.storage.acl_mapping:
        if namespace == fqname.namespace and acls.get("hierarchic"):
            return False
    try:
        item = flaskg.storage.get_item(**fqname.query)
        meta = item[CURRENT].meta if item else None
    except Exception:  # noqa: BLE001 - gone, unreadable: not kept
        return False
    if meta is None or (meta.get(ACL) or "").strip():
        return False
    g.ecossolies_cache_itemid = meta.get(ITEMID)  # the page shown: its saves renew this answer
    return True


def _anonymous_reader() -> bool:
    user = getattr(flaskg, "user", None)
    return user is not None and not user.valid


def _drop_anonymous_trail() -> None:
    """moin keeps the visited pages in every visitor's session; our theme never shows them to anyone."""
    if session and set(session.keys()) <= {"trail"}:
        session.clear()
        session.modified = False


def _storable(response: Response) -> bool:
    return (
        response.status_code == 200
        and not response.direct_passthrough
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and not session.modified
        and not session
        and not g.get("ecossolies_cache_forbidden")
        and _anonymous_reader()
        and _item_is_public()
    )


# -- the hooks -----------------------------------------------------------------------------------------------------


def serve_cached() -> Response | None:
    """Before moin sets up the request: an anonymous answer already computed and still current."""
    if not _candidate():
        return None
    app = current_app._get_current_object()
    cache = get_cache(app)
    key = _key()
    table, changed = generations.read(app)
    entry = cache.get(table, key)
    source = "hit"
    shared = get_shared(app)
    if entry is None:
        table = bytes(table)  # the tokens of when this reader asked (the table read is a live view)
    if entry is None and shared is not None:
        entry = _from_shared(app, shared.get(table, key), key)
        source = "shared"
    if entry is None:
        from plugins.web import write_lock  # it imports this module

        if write_lock.yield_to_writes():  # a save of this process went first; meanwhile another may have
            live, changed = generations.read(app)  # computed this answer
            table = bytes(live)
            entry = cache.get(table, key)
            if entry is None and shared is not None:
                entry = _from_shared(app, shared.get(table, key), key)
                source = "shared"
    if entry is None:
        entry, source = _wait_or_claim(app, cache, shared, table, key)
    if entry is None:
        table, changed = generations.read(app)
        g.ecossolies_cache = (key, bytes(table), changed)  # the tokens of now, before anything is read
        dependencies.start()  # what the computation reads decides what renews its answer
        return None
    g.ecossolies_cache = (key, table, changed)
    g.ecossolies_cache_etag = entry.etag
    g.ecossolies_cache_source = source
    return Response(entry.body, status=entry.status, headers=list(entry.headers))


def _wait_or_claim(
    app: Any, cache: PublicCache, shared: SharedStore | None, table: bytes, key: tuple[Any, ...]
) -> tuple[Entry | None, str]:
    """An answer missing: wait for the thread or the worker already computing it, or become the one that
    computes it (its claims noted in ``g``, released by :func:`end_request`). Returns (the answer to serve,
    where it came from), or (None, "") to compute it here.

    A waiter is served the answer computed for the tokens it saw when it asked (``table``), even if a write
    renewed them while it was computed: that write ended after this reader asked, so it may be seen or not,
    as when the reader computes the page itself beside the write. A waiter that asked after such a write
    waits for the next computation, which only one of them makes: before, every waiter computed the answer
    itself once the first was done without one (under ``make charge``, the binder three times a save)."""
    deadline = time.monotonic() + WAIT_FOR_OTHER
    while True:
        event = cache.claim(key)
        if event is None:
            break
        event.wait(max(0.0, deadline - time.monotonic()))
        entry = cache.get(table, key)
        if entry is not None:
            return entry, "hit"
        if time.monotonic() >= deadline:
            return None, ""  # the other computation takes too long: this reader's own, without claims
    g.ecossolies_cache_claimed = key
    if shared is not None:
        fd = shared.claim(key)
        if fd is None:  # another worker computes this very answer: wait for it rather than compute it too
            found, fd = shared.wait_or_claim(table, key, max(0.0, deadline - time.monotonic()))
            if found is not None:
                return _from_shared(app, found, key), "shared"
        if fd is not None:
            g.ecossolies_cache_shared_lock = fd
    return None, ""


def _from_shared(app: Any, found: Stored | None, key: tuple[Any, ...]) -> Entry | None:
    """An answer another worker stored, kept in this worker's memory too."""
    if found is None:
        return None
    entry = Entry(*found)
    get_cache(app).put(key, entry)
    return entry


def _dependencies(recording: dependencies.Recording | None) -> tuple[int, ...]:
    """The slots this answer depends on: for a view whose reads are all seen, the page shown and what it
    recorded; for any other view, or a computation that read what cannot be seen, every write."""
    endpoint = request.url_rule.endpoint if request.url_rule is not None else ""
    if endpoint not in NARROWABLE_ENDPOINTS or recording is None or recording.everything:
        return generations.slots((), everything=True)
    tags = set(recording.tags)
    if endpoint == "frontend.show_item":
        itemid = g.get("ecossolies_cache_itemid")
        if not itemid:
            return generations.slots((), everything=True)
        tags.add(dependencies.item_tag(itemid))
    return generations.slots(tags, everything=False)


def finish(response: Response) -> Response:
    """Last after-request hook: store an anonymous answer, and give every answer its caching headers."""
    if _is_static():
        return response
    identity = _has_identity()
    if not identity and _anonymous_reader():
        _drop_anonymous_trail()
    state = g.get("ecossolies_cache")
    etag = None
    if state is not None:
        key, table, changed = state
        app = current_app._get_current_object()
        etag = g.get("ecossolies_cache_etag")
        if etag is not None:
            response.headers[CACHE_HEADER] = g.get("ecossolies_cache_source", "hit")
        else:
            stored = False
            if _storable(response):
                # kept under the tokens of when it began: if what it read changed meanwhile, it is served
                # only to the readers who asked before that change and wait for it (:func:`_wait_or_claim`)
                slots = _dependencies(dependencies.current())
                tokens = generations.tokens(table, slots)
                body = response.get_data()
                etag = hashlib.blake2b(body + tokens, digest_size=16).hexdigest()
                headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in UNSTORED_HEADERS)
                entry = Entry(response.status_code, headers, body, etag, slots, tokens)
                if get_cache(app).put(key, entry):
                    shared = get_shared(app)
                    if shared is not None:
                        shared.put(key, Stored(entry.status, entry.headers, body, etag, slots, tokens), changed)
                stored = True
            response.headers[CACHE_HEADER] = "stored" if stored else "bypass"
    if etag is not None:
        _public_headers(current_app.cfg, response, etag, changed)
        response.make_conditional(request)
    elif identity or "Cache-Control" not in response.headers or not _anonymous_reader():
        # a member's answer, or an anonymous one that depends on more than the address: nobody else keeps it
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _public_headers(cfg: Any, response: Response, etag: str, changed: float) -> None:
    """What an anonymous answer kept here tells browsers and proxies: theirs to keep, to revalidate."""
    seconds = int(getattr(cfg, "public_cache_proxy_seconds", DEFAULT_PROXY_SECONDS))
    response.headers["Cache-Control"] = f"public, max-age=0, s-maxage={seconds}, must-revalidate"
    response.vary.add("Cookie")
    response.set_etag(etag)
    response.headers["Last-Modified"] = formatdate(changed or time.time(), usegmt=True)


class HitServer:
    """WSGI middleware: an anonymous answer already kept in this worker's memory is served before Flask and
    moin set up a request (a third of the cost of a kept answer was that set-up and its hooks).

    It answers only what :func:`serve_cached` would: a GET or HEAD without session cookie nor credentials,
    whose key has a current entry (an entry exists only for a view that may be kept, stored after every
    hook had run on it, security headers included). Anything else, and anything it cannot tell, goes on
    to the app, where the same rules apply in full.
    """

    def __init__(self, app: Any, wsgi_app: Any) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        try:
            response = self._kept(environ)
        except Exception:  # noqa: BLE001 - the app answers, with its own checks and errors
            response = None
        if response is None:
            return self.wsgi_app(environ, start_response)
        return response(environ, start_response)

    def _kept(self, environ: dict[str, Any]) -> Response | None:
        app = self.app
        cfg = app.cfg
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not getattr(cfg, "public_cache", True):
            return None
        if environ.get("HTTP_AUTHORIZATION") or environ.get("REMOTE_USER"):
            return None
        cookies = environ.get("HTTP_COOKIE")
        if cookies and app.config.get("SESSION_COOKIE_NAME", "session") in parse_cookie(cookies):
            return None
        incoming = app.request_class(environ)
        incoming.trusted_hosts = app.config.get("TRUSTED_HOSTS")
        if incoming.path.startswith(STATIC_PREFIXES):
            return None
        table, changed = generations.read(app)
        entry = get_cache(app).get(table, _key_of(incoming, cfg))
        if entry is None:
            return None
        response = Response(entry.body, status=entry.status, headers=list(entry.headers))
        response.headers[CACHE_HEADER] = "hit"
        _public_headers(cfg, response, entry.etag, changed)
        response.make_conditional(environ)
        return response


# -- what a write renews -----------------------------------------------------------------------------------------


def note_write_start() -> None:
    """A request that may write, once it holds the write lock: the structured index as it was before it."""
    if request.method in READ_METHODS:
        return
    index = get_index(current_app)
    g.ecossolies_snapshot_before = index.snapshot() if index is not None else None


def _plain_save(action: str, meta: Any, new_meta: Any) -> bool:
    """A save that changed only a page's content and data: same names, namespace, ACL and kind (not a group)."""
    if action != SAVE_ACTION or meta is None or new_meta is None:
        return False
    if any(m.get(USERGROUP) is not None or m.get(WIKIDICT) is not None for m in (meta, new_meta)):
        return False
    return (
        list(meta.get(NAME) or []) == list(new_meta.get(NAME) or [])
        and bool(new_meta.get(NAME))
        and (meta.get(NAMESPACE) or "") == (new_meta.get(NAMESPACE) or "") == ""
        and (meta.get(ACL) or "").strip() == (new_meta.get(ACL) or "").strip()
        and meta.get(ITEMID) == new_meta.get(ITEMID)
    )


def _plain_creation(action: str, meta: Any, new_meta: Any) -> bool:
    """A new page of the main namespace, without ACL of its own, that is not a group."""
    if action != SAVE_ACTION or meta is not None or new_meta is None:
        return False
    return (
        bool(new_meta.get(NAME))
        and not (new_meta.get(NAMESPACE) or "")
        and not (new_meta.get(ACL) or "").strip()
        and new_meta.get(USERGROUP) is None
        and new_meta.get(WIKIDICT) is None
    )


def _renewed_by_write() -> tuple[int, ...] | None:
    """The slots a write request renews: for plain saves, the pages saved, their types before and after and
    what reads everything; for a plain creation, also what links to the new page (drawn as missing until now);
    None (every answer) for anything else or whatever cannot be told."""
    changes = g.get("ecossolies_changes")
    before = g.get("ecossolies_snapshot_before")
    if not changes or before is None or not all(_plain_save(*c) or _plain_creation(*c) for c in changes):
        return None
    index = get_index(current_app)
    after = index.snapshot() if index is not None else None
    if after is None or after.rights() != before.rights():
        return None  # rights may have changed (a group, a page of a namespace with inherited rights)
    tags = set()
    for _action, meta, new_meta in changes:
        itemid = new_meta.get(ITEMID)
        then, now = before.by_itemid.get(itemid), after.by_itemid.get(itemid)
        if meta is None and then is None and now is not None:  # created
            tags.update((dependencies.item_tag(itemid), dependencies.type_tag(now.type)))
            tags.update(dependencies.name_tag(name) for name in now.names)
            continue
        if then is None or now is None or then.names != now.names:
            return None
        tags.update((dependencies.item_tag(itemid), dependencies.type_tag(then.type), dependencies.type_tag(now.type)))
    return generations.renewed(tags)


def end_request(_exc: BaseException | None = None) -> None:
    """After every request: let waiting readers go, and renew what a write changed."""
    dependencies.stop()
    fd = g.pop("ecossolies_cache_shared_lock", None)
    if fd is not None:
        release(fd)
    key = g.pop("ecossolies_cache_claimed", None)
    if key is not None:
        get_cache(current_app).release(key)
    if request.method not in READ_METHODS and (request.url_rule is None or request.url_rule.endpoint not in NOT_WRITES):
        try:
            renewed = _renewed_by_write()
        except Exception:  # noqa: BLE001 - cannot tell what changed: everything is renewed
            renewed = None
        if renewed is None:
            bump(current_app)
        else:
            generations.bump(current_app, renewed)


def _on_index_change(app: Any) -> None:
    """The structured index was written: by the request that writes (it renews what it changed when it ends),
    else by a command, an import or a repair made while reading (every answer is renewed)."""
    if not _in_write_request():
        bump(app)


def init_app(app: Any) -> None:
    """Hook the cache into a moin app: its lookup right after the security guard, before moin's set-up;
    its headers after every other after-request hook; its renewal before the write lock is released
    (teardown hooks run in reverse order: this one is registered after plugins/web/write_lock.py's)."""
    before = app.before_request_funcs.setdefault(None, [])
    position = next((i + 1 for i, f in enumerate(before) if getattr(f, "__name__", "") == "guard_request"), 0)
    before.insert(position, serve_cached)
    app.wsgi_app = HitServer(app, app.wsgi_app)
    app.before_request(note_write_start)  # after the write lock is taken (plugins/web/routes.py's order)
    app.after_request_funcs.setdefault(None, []).insert(0, finish)
    app.teardown_request(end_request)
    # every write to the structured index outside a writing request (our commands, imports, repairs)
    app.extensions.setdefault("ecossolies_index_callbacks", []).append(lambda: _on_index_change(app))
    index = app.extensions.get("ecossolies_index")
    if index is not None:
        index.on_change.append(lambda: _on_index_change(app))
