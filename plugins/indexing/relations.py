"""A fiche's ties, both ways, from the structured index (never by re-reading pages).

What other pages say of a fiche (its chains, which it declares, are checked by ``plugins/views/chains.py``): venues it manages (``lieu.gestionnaire``),
events at those venues or naming it (``lieu``, ``intervenants``), positions it signs (``signataires``) or
that name it (``destinataires``). Names are compared folded, by every alias of the fiche (title, page name,
last part of the name), as the rest of the wiki links pages. Data only: callers pass the pages the reader may
read (``plugins/views/relations.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from plugins.data.text import fold


@dataclass
class Ties:
    """A fiche's related pages, by kind (each list sorted by title)."""

    lieux: list[Any] = field(default_factory=list)
    evenements: list[Any] = field(default_factory=list)
    positions_signees: list[Any] = field(default_factory=list)
    positions_citant: list[Any] = field(default_factory=list)


def _names(value: Any) -> set[str]:
    """Folded names a field value gives (a text, or a list of texts), with their last part after « / »."""
    values = value if isinstance(value, list) else [value]
    out = set()
    for v in values:
        if isinstance(v, str) and v.strip():
            out.add(fold(v))
            out.add(fold(v.rsplit("/", 1)[-1]))
    return out


def _sorted(pages: Iterable[Any]) -> list[Any]:
    unique = {p.fullname: p for p in pages}
    return sorted(unique.values(), key=lambda p: fold(p.title or p.fullname))


def ties(
    fiche_aliases: set[str],
    venues: list[Any],
    events: list[Any],
    positions: list[Any],
) -> Ties:
    """The ties of a fiche known by ``fiche_aliases`` (folded), among the pages given."""
    found = Ties()
    found.lieux = _sorted(v for v in venues if _names(v.data.get("gestionnaire")) & fiche_aliases)
    venue_names: set[str] = set()
    for venue in found.lieux:
        venue_names |= venue.aliases() | {fold(venue.fullname)}
    found.evenements = sorted(
        {
            e.fullname: e
            for e in events
            if _names(e.data.get("lieu")) & (venue_names | fiche_aliases)
            or _names(e.data.get("intervenants")) & fiche_aliases
        }.values(),
        key=lambda e: (str(e.data.get("debut", "")), fold(e.title)),
        reverse=True,
    )
    found.positions_signees = _sorted(p for p in positions if _names(p.data.get("signataires")) & fiche_aliases)
    found.positions_citant = _sorted(
        p for p in positions if _names(p.data.get("destinataires")) & fiche_aliases and p not in found.positions_signees
    )
    return found
