"""Charts (matplotlib, Agg, written as SVG) and the map of amounts by commune (folium) of a selection.

The SVG keeps its texts as text (``svg.fonttype: none``): matplotlib escapes them as XML, math notation is
off (a « $ » in a name stays a « $ »), and the document carries a <title>. Numbers on the axes are written
the French way. Every chart has its figures in a table on the page too (``macros/Financements.py``).

The map draws one disc per commune, its area proportional to the amount; the data travel as JSON inside
the script (escaped by ``plugins/carte.script_json``) and the tooltips are made of DOM text nodes, so no
name can inject markup. Scripts are served by the wiki, as for every map (``plugins/views/maps.py``).
"""

from __future__ import annotations

import io
import math
import re
from html import escape
from typing import Any

import matplotlib

matplotlib.use("Agg")

from babel.numbers import format_decimal  # noqa: E402
from branca.element import MacroElement  # noqa: E402
from jinja2 import Template  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from plugins.data import (
    french,
    numbers,  # noqa: E402
)
from plugins.subventions.analysis import Figures, Line, located  # noqa: E402
from plugins.views import maps  # noqa: E402

COLOUR = "#0b5d5b"
ACCENT = "#8a3a0b"
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "ecossolies",
    "text.parse_math": False,
    "font.size": 10,
    "font.family": "DejaVu Sans",
    "axes.spines.top": False,
    "axes.spines.right": False,
}
#: longest label drawn on a bar (the table under the chart has the full name)
LABEL_CHARS = 38


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _euros_axis(value: float, _pos: Any = None) -> str:
    if abs(value) >= 1_000_000:
        return f"{format_decimal(value / 1_000_000, format='#,##0.#', locale=french.locale())} M€"
    if abs(value) >= 1000:
        return f"{format_decimal(value / 1000, format='#,##0.#', locale=french.locale())} k€"
    return f"{format_decimal(value, format='#,##0', locale=french.locale())} €"


def _percent_axis(value: float, _pos: Any = None) -> str:
    return f"{format_decimal(round(value * 100), format='#,##0', locale=french.locale())} %"


def _svg(fig: Figure, title: str) -> str:
    out = io.StringIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    svg = out.getvalue()
    svg = svg[svg.find("<svg") :]  # no XML prolog or doctype: served as image/svg+xml alone
    # a title for screen readers and tooltips (escaped: it may hold names from public files)
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + f"<title>{escape(title)}</title>", svg, count=1)


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(width, height), dpi=96)


def lorenz_svg(figures: Figures) -> str:
    """The Lorenz curve of the selection, with the line of equality and the Gini index."""
    with matplotlib.rc_context(STYLE):
        fig = _figure(5.2, 4.4)
        ax = fig.add_subplot()
        points = figures.lorenz
        step = max(1, len(points) // 400)  # a few hundred points draw the same curve
        shown = points[::step] + ([points[-1]] if points and (len(points) - 1) % step else [])
        xs, ys = [float(x) for x, _y in shown], [float(y) for _x, y in shown]
        ax.plot([0, 1], [0, 1], color="#777777", linestyle="--", linewidth=1, label="Égalité parfaite")
        if shown:
            ax.plot(xs, ys, color=COLOUR, linewidth=2, label="Répartition observée (courbe de Lorenz)")
            ax.fill_between(xs, xs, ys, color=COLOUR, alpha=0.12)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.xaxis.set_major_formatter(FuncFormatter(_percent_axis))
        ax.yaxis.set_major_formatter(FuncFormatter(_percent_axis))
        ax.set_xlabel("Part des bénéficiaires (des moins dotés aux mieux dotés)")
        ax.set_ylabel("Part du montant total reçu")
        ax.set_title(f"Concentration : indice de Gini {numbers.index(figures.gini)}")
        ax.legend(loc="upper left", frameon=False, fontsize=9)
        return _svg(fig, f"Courbe de Lorenz ; indice de Gini {numbers.index(figures.gini)}")


def bars_svg(lines: list[Line], title: str, horizontal: bool = True) -> str:
    """Amounts of a split as bars (horizontal with names, vertical for years)."""
    with matplotlib.rc_context(STYLE):
        labels = [_short(line.label) for line in lines]
        values = [line.cents / 100 for line in lines]
        if horizontal:
            fig = _figure(7.0, 0.9 + 0.34 * max(len(lines), 1))
            ax = fig.add_subplot()
            positions = list(range(len(lines)))[::-1]
            ax.barh(positions, values, color=COLOUR)
            ax.set_yticks(positions, labels)
            ax.xaxis.set_major_formatter(FuncFormatter(_euros_axis))
        else:
            fig = _figure(max(4.0, 0.6 * len(lines) + 1.5), 3.6)
            ax = fig.add_subplot()
            ax.bar(range(len(lines)), values, color=COLOUR)
            ax.set_xticks(range(len(lines)), labels, rotation=45 if len(lines) > 8 else 0)
            ax.yaxis.set_major_formatter(FuncFormatter(_euros_axis))
        ax.set_title(title)
        return _svg(fig, title)


# -- the map ----------------------------------------------------------------------------------------------


class AmountDiscs(MacroElement):
    """One disc per commune, area proportional to its amount, with a text tooltip."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function(map) {
  var discs = {{ this.discs_json }};
  discs.forEach(function(d) {
    var tip = document.createElement("div");
    var name = document.createElement("strong"); name.textContent = d[2]; tip.appendChild(name);
    tip.appendChild(document.createElement("br"));
    tip.appendChild(document.createTextNode(d[3]));
    L.circleMarker([d[0], d[1]], {radius: d[4], color: "{{ this.colour }}", weight: 1,
      fillColor: "{{ this.colour }}", fillOpacity: 0.45}).bindTooltip(tip).addTo(map);
  });
  window.ecoDiscs = discs.length;
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, lines: list[Line]) -> None:
        super().__init__()
        self._name = "AmountDiscs"
        self.colour = COLOUR
        placed, _unplaced = located(lines)
        biggest = max((line.cents for line, _c in placed), default=0) or 1
        discs = [
            [
                round(commune.lat, 5),
                round(commune.lon, 5),
                commune.nom,
                f"{numbers.euros(line.euros)} ; {french.plural(line.count, 'subvention')}, "
                f"{french.plural(line.beneficiaries, 'bénéficiaire')}",
                round(4 + 26 * math.sqrt(line.cents / biggest), 1),
            ]
            for line, commune in placed
        ]
        self.discs_json = maps.script_json(discs)
        self.points = [(d[0], d[1]) for d in discs]


def map_document(lines: list[Line], cfg: Any) -> str:
    """The map of amounts by commune as an HTML document (for an iframe), with only local scripts."""
    fmap = maps.local_map(cfg)
    discs = AmountDiscs(lines).add_to(fmap)
    if discs.points:
        maps.FitWhenSized(discs.points, padding=30, max_zoom=12).add_to(fmap)
    return fmap.get_root().render()
