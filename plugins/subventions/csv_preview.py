"""CSV data items (public subsidy files): a preview of their first rows, and no full-text indexing.

moin shows a CSV item as one table of all its rows: for a public subsidy file of 50,000 rows that takes a
minute and a lot of memory, each time a reader follows a « source » link. This converter, ahead of moin's
in its registry, hands small files to moin's own converter and shows the first rows of big ones, with how
many there are and where to get the whole file.
"""

from __future__ import annotations

from typing import Any

from moin.converters import default_registry, text_csv_in
from moin.converters._util import decode_data
from moin.utils.iri import Iri
from moin.utils.mime import Type, type_moin_document
from moin.utils.registry import RegistryBase
from moin.utils.tree import moin_page, xlink

PREVIEW_ROWS = 200
TYPE_CSV = Type("text/csv")
#: content types of the public data files kept as items (``plugins/subventions/store.py``), by their encoding:
#: moin indexes them by name and metadata only (see :func:`configure`)
CONTENT_TYPES = ("text/csv;charset=utf-8", "text/csv;charset=windows-1252")


def _count(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") else 1)


class PreviewConverter:
    """Input converter for text/csv: moin's table for small files, the first rows of big ones."""

    @classmethod
    def factory(cls, input: Type, output: Type, **kwargs: Any) -> PreviewConverter | None:
        return cls() if TYPE_CSV.issupertype(input) else None

    def __call__(self, data: Any, contenttype: str | None = None, arguments: Any = None) -> Any:
        name = str(getattr(data, "fqname", "") or "")
        text = decode_data(data, contenttype).lstrip("\ufeff")
        lines = _count(text.rstrip("\n"))
        if lines <= PREVIEW_ROWS + 1:
            return text_csv_in.Converter()(text, contenttype, arguments)
        head = "\n".join(text.split("\n", PREVIEW_ROWS + 1)[: PREVIEW_ROWS + 1])
        doc = text_csv_in.Converter()(head, contenttype, arguments)
        notice: list[Any] = [f"Aperçu : les {PREVIEW_ROWS} premières lignes sur {lines - 1}. "]
        if name:
            notice.append(
                moin_page.a(
                    attrib={xlink.href: Iri("/+get/" + name.split(":", 1)[-1])}, children=["Le fichier complet"]
                )
            )
            notice.append(" (CSV).")
        else:
            notice.append("Le fichier complet se télécharge par « Télécharger ».")
        body = doc[0] if len(doc) and getattr(doc[0], "tag", None) == moin_page.body else doc
        body.insert(0, moin_page.p(attrib={moin_page.class_: "eco-apercu"}, children=notice))
        return doc


_registered = False


def register() -> None:
    """Put the preview ahead of moin's CSV converter (once per process)."""
    global _registered
    if not _registered:
        default_registry.register(PreviewConverter.factory, TYPE_CSV, type_moin_document, RegistryBase.PRIORITY_FIRST)
        _registered = True


def configure(app: Any) -> None:
    """Data files are read by our layer: moin's full-text index would store and index every cell of them (for
    50,000 rows: minutes and about a gigabyte of memory per import) for a search nobody needs. CSV items are
    therefore indexed by their names and metadata only, and shown as a preview."""
    cfg = app.cfg
    current = list(getattr(cfg, "mimetypes_to_index_as_empty", []) or [])
    cfg.mimetypes_to_index_as_empty = current + [t for t in CONTENT_TYPES if t not in current]
    register()
