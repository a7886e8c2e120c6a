"""moin's Atom feed (``/+feed/atom``), served per reader's rights and XML-safe (replaces moin's view).

moin 2.0.0b5 caches the feed under the newest readable revision id only: once an administrator had loaded it,
anonymous readers got the same cached feed, with the full text of restricted pages. One control character in a
page also made the feed answer 500 for everyone (lxml refuses it). This is moin's view with three changes: the
cache key holds the reader's rights (and the newest revision of the whole wiki, so any save, ACL or group change
makes a new feed), every text is stripped of the characters XML cannot carry, and the HTML of each entry has its
executable URLs defused as the wiki's pages do (moin wrote ``<object data="javascript:…">`` there too).
"""

from __future__ import annotations

import re
from typing import Any

from feedgen.feed import FeedGenerator
from flask import Response, request
from moin import current_app, flaskg, log
from moin.constants.keys import (
    ALL_REVS,
    COMMENT,
    LATEST_REVS,
    MTIME,
    NAME,
    NAME_EXACT,
    NAMESPACE,
    PARENTID,
    REVID,
    USERID,
)
from moin.items import Item
from moin.themes import get_editor_info, render_template
from moin.utils.crypto import cache_key
from moin.utils.interwiki import url_for_item
from moin.utils.markup import safe_markup
from moin.utils.names import split_fqname
from whoosh.query import And, Every, Term

from plugins.indexing.query import reader_key
from plugins.web.security import defuse_html

logging = log.getLogger(__name__)

#: what XML 1.0 cannot carry (control characters but tab and newlines, lone surrogates, U+FFFE/U+FFFF)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: Any) -> str:
    return NOT_XML.sub("", str(text))


def atom(item_name: str = "") -> Response:
    """The feed of the wiki (or of one item): the latest 100 revisions the reader may read."""
    query = Every()
    fqname = None
    if item_name:
        fqname = split_fqname(item_name)
        query = And([Term(NAME_EXACT, fqname.value), Term(NAMESPACE, fqname.namespace)])
    # the newest revision of all, readable or not: a new save, ACL or group change makes a new cache entry
    newest = list(flaskg.storage.indexer.search(Every(), idx_name=LATEST_REVS, sortedby=[MTIME], reverse=True, limit=1))
    cid = None
    content = None
    if newest:
        rights = repr(reader_key())
        cid = cache_key(usage="eco-atom-2", revid=newest[0].revid, item_name=item_name, rights=rights)
        content = current_app.cache.get(cid)
    if content is None:
        content = _build(item_name, fqname, query)
        if cid is not None:
            current_app.cache.set(cid, content)
    response = Response(content, content_type="application/atom+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


#: the author of a revision saved without an account: the seed content and imports, by the wiki's own commands
WIKI_TEAM = "l'équipe du wiki"


def _author(meta: Any) -> str:
    """The author's name as the history shows it: never an address, never « None » (moin's for the seed)."""
    if not meta.get(USERID):
        return WIKI_TEAM
    return str(get_editor_info(meta, external=True).get(NAME) or WIKI_TEAM)


def _build(item_name: str, fqname: Any, query: Any) -> str:
    title = f"{current_app.cfg.sitename}" if not item_name else f"{current_app.cfg.sitename} - {fqname}"
    feed = FeedGenerator()
    feed.id(request.url)
    feed.title(xml_safe(title))
    feed.link(href=request.host_url)
    feed.link(href=request.url, rel="self")
    history = flaskg.storage.search(query, idx_name=ALL_REVS, sortedby=[MTIME], reverse=True, limit=100)
    for rev in history:
        name = rev.fqname.fullname
        item = rev.item
        this_revid = rev.meta[REVID]
        previous_revid = rev.meta.get(PARENTID)
        try:
            hl_item = Item.create(name, rev_id=this_revid)
            if previous_revid is not None:
                previous_rev = item[previous_revid]
                content = hl_item.content._render_data_diff_atom(previous_rev, rev, fqname=rev.item.fqname)
            else:
                content = render_template(
                    "atom.html",
                    get="first_revision",
                    rev=rev,
                    content=safe_markup(hl_item.content._render_data()),
                    revision=this_revid,
                )
        except Exception:
            logging.exception(f"content rendering crashed on item {name}")
            content = "Cette révision n'a pas pu être affichée."
        author_name = _author(rev.meta)
        rev_comment = rev.meta.get(COMMENT, "")
        if rev_comment:
            if len(rev_comment) > 80:
                content = render_template(
                    "atom.html", get="comment_cont_merge", comment=rev_comment[79:], content=safe_markup(content)
                )
                rev_comment = f"{rev_comment[:79]}..."
            feed_title = f"{author_name} - {rev_comment}"
        else:
            feed_title = author_name
        if not item_name:
            feed_title = f"{name} - {feed_title}"
        entry = feed.add_entry()
        entry.id(url_for_item(name, rev=this_revid, _external=True))
        entry.title(xml_safe(feed_title))
        entry.author({"name": xml_safe(author_name) or "?"})
        entry.link(href=url_for_item(name, rev=this_revid, _external=True))
        # no executable URL leaves the wiki in the feed either (a reader's client shows this HTML)
        entry.content(xml_safe(defuse_html(str(content))), type="html")
    lines = feed.atom_str(pretty=True).decode("utf-8").split("\n")
    lines.insert(1, render_template("atom.html", get="xml"))  # moin's XSLT stylesheet declaration
    return "\n".join(lines)
