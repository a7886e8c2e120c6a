"""Whoosh's own BM25F scores for pages already found, computed a block of postings at a time.

Why: Whoosh scores by walking a tree of matchers in Python, one posting at a time. Our query puts each word on
three weighted fields, with its stem and its root, over a dozen segments: three words make two hundred term
matchers, about 100 ms at 20,000 pages, most of a search. But the search already knows which pages match
(found on the combined field, then filtered by rights), and for a query of words joined by AND and OR a page's
score is only a sum, over the terms it holds, of BM25 of the term's weight and its field's length. Here each
term's postings (documents, weights) are decoded once per segment and kept (a segment never changes once
written), as are each segment's field lengths; a segment holding none of the pages is not opened; the formula
is Whoosh's, in float64, with numpy. Same scores, same order (score, then document number). The pages a query
finds come from the same arrays (:func:`matching`).

A query of another shape (prefix, phrase, coordination bonus…), a weighting other than BM25F, or a segment
not written by Whoosh 3's codec gets ``None``: the caller asks Whoosh, as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wquery
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from plugins.data.caches import BoundedCache

#: a length byte -> the length Whoosh gives back for it (its lengths are kept in one byte a document)
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)

#: (segment id, field, term) -> the term's postings in the segment, the words searched most often kept first,
#: within 32 MiB (8 bytes a posting, and about 200 for the entry): the 53 queries of the search benchmark at
#: 20,000 pages hold 4,579 entries, 3.8 MiB of postings
_POSTINGS: BoundedCache[tuple[str, str, bytes], tuple[np.ndarray, np.ndarray]] = BoundedCache(
    __name__,
    1_000_000,
    "documents de chaque terme par segment",
    weigh=lambda v: 200 + v[0].nbytes + v[1].nbytes,
    budget=32 * 2**20,
)

#: (segment id, field) -> each document's field length
_LENGTHS: BoundedCache[tuple[str, str], np.ndarray] = BoundedCache(__name__, 512, "longueurs des champs par segment")


class Unsupported(Exception):
    """The query or the index is not one this module scores exactly like Whoosh."""


def top(searcher: Any, q: wquery.Query, docnums: set[int], limit: int | None) -> list[tuple[int, float]] | None:
    """The ``limit`` best of ``docnums`` (all of them when ``None``) for ``q``, as Whoosh's ``search(q,
    filter=docnums, limit=limit)`` ranks them: ``(document number, score)``, best first, ties by number.
    ``None`` when this query or index is not one computed here."""
    weighting = searcher.weighting
    if type(weighting) is not BM25F:
        return None
    docs = np.fromiter(sorted(docnums), dtype=np.int64, count=len(docnums))
    try:
        scores, matched = _Scorer(searcher, weighting, docs).node(q)
    except Unsupported:
        return None
    docs, scores = docs[matched], scores[matched]
    order = np.lexsort((docs, -scores))
    if limit is not None:
        order = order[:limit]
    return [(int(d), float(s)) for d, s in zip(docs[order], scores[order], strict=True)]


def matching(searcher: Any, q: wquery.Query) -> list[int] | None:
    """The documents ``q`` matches (deleted ones left out), as Whoosh's ``docs_for_query`` finds them, from the
    same decoded postings; ``None`` for a query of another shape."""
    found = []
    try:
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            ids = _matching_in(reader, q)
            if reader.has_deletions() and len(ids):
                deleted = np.fromiter(reader._perdoc.deleted_docs(), dtype=np.int32)
                ids = ids[~np.isin(ids, deleted)]
            found.append(ids.astype(np.int64) + offset)
    except Unsupported:
        return None
    return np.concatenate(found).tolist() if found else []


def _matching_in(reader: Any, q: wquery.Query) -> np.ndarray:
    if type(q) is wquery.Term:
        btext = _term_bytes(reader.schema, q.fieldname, q.text)
        return _NONE[0] if btext is None else postings(reader, q.fieldname, btext)[0]
    if q is wquery.NullQuery:
        return _NONE[0]
    every, subqueries = _joined(q, scored=False)
    combine = np.intersect1d if every else np.union1d
    ids = _matching_in(reader, subqueries[0])
    for sub in subqueries[1:]:
        ids = combine(ids, _matching_in(reader, sub))
    return ids


def _joined(q: wquery.Query, scored: bool) -> tuple[bool, list[wquery.Query]]:
    """(whether a page must match every child, the children) of an AND or an OR, which Whoosh adds up.

    An OR with a scale (coordination bonus) is not scored here: Whoosh's bonus counts the terms its matchers
    are still reading, so a page's score depends on where they are in the other postings (and our parsed
    queries lose the scale anyway, when Whoosh flattens their ORs)."""
    if isinstance(q, wquery.Or) and not q.minmatch and not (scored and q.scale):
        every = False
    elif type(q) is wquery.And:
        every = True
    else:
        raise Unsupported(type(q).__name__)
    if not q.subqueries:
        raise Unsupported("empty")
    return every, q.subqueries


def _term_bytes(schema: Any, fieldname: str, text: str) -> bytes | None:
    """A term as its field keeps it; ``None`` when it cannot be in the index."""
    if fieldname not in schema:
        return None
    try:
        return schema[fieldname].to_bytes(text)
    except ValueError:
        return None


class _Scorer:
    """Scores of one query over a sorted array of global document numbers."""

    def __init__(self, searcher: Any, weighting: BM25F, docs: np.ndarray) -> None:
        self.searcher = searcher
        self.weighting = weighting
        self.docs = docs
        self.schema = searcher.schema
        # each segment with the slice of ``docs`` that falls in it
        self.segments = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            lo, hi = np.searchsorted(docs, [offset, offset + reader.doc_count_all()])
            if hi > lo:
                self.segments.append((reader, offset, int(lo), int(hi)))

    def node(self, q: wquery.Query) -> tuple[np.ndarray, np.ndarray]:
        """(score of each document, whether it matches) for a query node, as Whoosh's matchers add them up."""
        if type(q) is wquery.Term:
            scores, matched = self.term(q.fieldname, q.text)
            return (scores * q.boost if q.boost != 1.0 else scores), matched
        if q is wquery.NullQuery:  # a stopword alone: matches nothing
            return np.zeros(len(self.docs)), np.zeros(len(self.docs), dtype=bool)
        every, subqueries = _joined(q, scored=True)
        combine = np.logical_and if every else np.logical_or
        if len(subqueries) == 1:  # Whoosh matches the only child, without the parent's boost
            return self.node(subqueries[0])
        scores, matched = self.node(subqueries[0])
        scores = scores.copy()
        for sub in subqueries[1:]:
            s, m = self.node(sub)
            scores += s
            matched = combine(matched, m)
        scores[~matched] = 0.0
        return (scores * q.boost if q.boost != 1.0 else scores), matched

    def term(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        scores = np.zeros(len(self.docs))
        matched = np.zeros(len(self.docs), dtype=bool)
        btext = _term_bytes(self.schema, fieldname, text)
        if btext is None:
            return scores, matched
        if not self.schema[fieldname].scorable:
            raise Unsupported(fieldname)
        # global statistics, from the top searcher, as Whoosh's BM25F scorer takes them
        idf = self.searcher.idf(fieldname, btext)
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        B = self.weighting._field_B.get(fieldname, self.weighting.B)
        K1 = self.weighting.K1
        for reader, offset, lo, hi in self.segments:
            ids, weights = postings(reader, fieldname, btext)
            if not len(ids):
                continue
            local = self.docs[lo:hi] - offset
            at = np.minimum(np.searchsorted(ids, local), len(ids) - 1)
            held = ids[at] == local
            tf = weights[at[held]].astype(np.float64)
            fl = _lengths(reader, fieldname)[local[held]]
            scores[lo:hi][held] = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
            matched[lo:hi][held] = True
        return scores, matched


_NONE = (np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32))
for _empty in _NONE:
    _empty.flags.writeable = False


def postings(reader: Any, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A term's postings in one segment: its documents (numbers in the segment, deleted ones included) and
    their weights, decoded once and kept while the segment is read."""
    key = (reader.segment().segment_id(), fieldname, btext)
    found = _POSTINGS.get(key)
    if found is None:
        found = _POSTINGS.put(key, _decode(reader, fieldname, btext))
    return found


def _decode(reader: Any, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    if (fieldname, btext) not in reader:
        return _NONE
    matcher = reader.postings(fieldname, btext)
    if isinstance(matcher, FilterMatcher):  # the segment's deleted documents, which no caller asks for
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        raise Unsupported(type(matcher).__name__)
    ids: list[Any] = []
    weights: list[Any] = []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        ids.append(matcher._ids)
        weights.append(matcher._weights)
        matcher._next_block()
    if not ids:
        return _NONE
    found = (
        np.concatenate([np.asarray(i, dtype=np.int32) for i in ids]),
        np.concatenate([np.asarray(w, dtype=np.float32) for w in weights]),
    )
    for array in found:  # shared by every thread's searches
        array.flags.writeable = False
    return found


def _lengths(reader: Any, fieldname: str) -> np.ndarray:
    """Each document's length in ``fieldname`` in one segment, as Whoosh's ``doc_field_length`` gives it."""
    key = (reader.segment().segment_id(), fieldname)
    found = _LENGTHS.get(key)
    if found is None:
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if not isinstance(column, bytes | bytearray) or len(column) < reader.doc_count_all():
            raise Unsupported("lengths")
        raw = np.frombuffer(column, dtype=np.uint8)
        found = _LENGTH_OF_BYTE[raw]
        found.flags.writeable = False
        _LENGTHS.put(key, found)
    return found
