"""Exports of a selection: CSV (UTF-8, spreadsheet formulas neutralised) and JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import quote

from plugins.data import flat
from plugins.data.csv_files import neutralise
from plugins.data.registry import PageType, Record
from plugins.indexing.structured import IndexedPage


def page_url(base_url: str, page: IndexedPage) -> str:
    return f"{base_url}/{quote(page.fullname)}"


def _record(page_type: PageType, page: IndexedPage) -> Record:
    return Record(type=page_type, data=page.data)


def table_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    """CSV (separator « ; », UTF-8 with a BOM for spreadsheets), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(str(row.get(c, ""))) for c in columns])
    return "\ufeff" + out.getvalue()


def to_csv(page_type: PageType, pages: list[IndexedPage], base_url: str = "") -> str:
    """One line per page: the page and its address, one column a field as the bulk import reads them back
    (``plugins/data/flat.py``), then the type's computed columns."""
    columns = ["page", "adresse_wiki", *flat.columns(page_type), *page_type.extra_columns]
    rows = []
    for page in pages:
        computed = page_type.row(_record(page_type, page))
        rows.append(
            {
                "page": page.fullname,
                "adresse_wiki": page_url(base_url, page),
                **flat.to_row(page_type, page.data),
                **{c: computed.get(c, "") for c in page_type.extra_columns},
            }
        )
    return table_csv(columns, rows)


def to_json(page_type: PageType, pages: list[IndexedPage], base_url: str = "") -> str:
    items: list[dict[str, Any]] = [
        {
            "page": p.fullname,
            "adresse_wiki": page_url(base_url, p),
            "type": page_type.name,
            "modification": p.mtime,
            "donnees": p.data,
        }
        for p in pages
    ]
    return json.dumps({"type": page_type.name, "nombre": len(items), "elements": items}, ensure_ascii=False, indent=1)


def private(response: Any) -> Any:
    """Data shown to one reader (ACLs) is never cached for another: every export and data view goes out so."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
