"""The diagram of a chain, as an SVG document written from a template (text stays text: readable,
selectable, printable; the title and description name the chain and its links for screen readers)."""

from __future__ import annotations

import textwrap
from xml.sax.saxutils import escape

from plugins.data.types.chaine import ChainView

PER_ROW = 4
BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 170, 78, 40, 46, 20


def _lines(text: str, width: int = 20, count: int = 2) -> list[str]:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > count:
        lines = lines[:count]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines


def render(view: ChainView) -> str:
    links = view.links
    rows = max(1, (len(links) + PER_ROW - 1) // PER_ROW)
    width = MARGIN * 2 + PER_ROW * BOX_W + (PER_ROW - 1) * GAP_X
    height = MARGIN * 2 + 30 + rows * BOX_H + (rows - 1) * GAP_Y
    summary = " → ".join(
        f"{link.nom} ({len(link.actors)} acteur{'s' if len(link.actors) > 1 else ''})"
        if link.actors
        else f"{link.nom} (maillon manquant)"
        for link in links
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="titre desc" font-family="sans-serif">',
        f'<title id="titre">{escape(view.title)}</title>',
        f'<desc id="desc">{escape(summary or "aucun maillon")}</desc>',
        '<defs><marker id="fleche" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#0b5d5b"/></marker></defs>',
        f'<text x="{MARGIN}" y="{MARGIN + 14}" font-size="16" font-weight="bold" fill="#0b5d5b">'
        f"{escape(view.title)}</text>",
    ]
    for i, link in enumerate(links):
        row, col = divmod(i, PER_ROW)
        x = MARGIN + col * (BOX_W + GAP_X)
        y = MARGIN + 30 + row * (BOX_H + GAP_Y)
        missing = not link.actors
        dashes = ' stroke-dasharray="6 4"' if missing else ""
        out.append(
            f'<g><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" '
            f'fill="{"#fff1e6" if missing else "#f6fbfb"}" stroke="{"#8a3a0b" if missing else "#0b5d5b"}" '
            f'stroke-width="2"{dashes}/>'
        )
        for j, line in enumerate(_lines(f"{i + 1}. {link.nom}")):
            out.append(
                f'<text x="{x + 10}" y="{y + 22 + j * 18}" font-size="14" font-weight="bold" fill="#222">'
                f"{escape(line)}</text>"
            )
        status = "maillon manquant" if missing else f"{len(link.actors)} acteur{'s' if len(link.actors) > 1 else ''}"
        out.append(
            f'<text x="{x + 10}" y="{y + BOX_H - 10}" font-size="13" '
            f'fill="{"#8a3a0b" if missing else "#0b5d5b"}">{escape(status)}</text></g>'
        )
        if i + 1 < len(links):
            if col + 1 < PER_ROW:
                x1, y1, x2, y2 = x + BOX_W, y + BOX_H / 2, x + BOX_W + GAP_X - 4, y + BOX_H / 2
            else:  # to the first box of the next row
                x1, y1, x2, y2 = x + BOX_W / 2, y + BOX_H, MARGIN + BOX_W / 2, y + BOX_H + GAP_Y - 4
            out.append(
                f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#0b5d5b" stroke-width="2" '
                'marker-end="url(#fleche)"/>'
            )
    out.append("</svg>")
    return "\n".join(out)
