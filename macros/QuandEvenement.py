"""QuandEvenement — (utilisée par la carte d'un événement) passé ou à venir, la prochaine date, et le lieu
relié à sa page. Arguments écrits par la carte : ``debut``, ``fin``, ``repetition``, ``jusqu_au``, ``lieu``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.data import french
from plugins.data.frontmatter import Probleme
from plugins.data.types.evenement import find_venue, looks_like_address, occurrences
from plugins.indexing.query import readable
from plugins.indexing.structured import by_alias, get_index
from plugins.views import card
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            data = keyword_arguments(arguments, "QuandEvenement")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        now = dt.datetime.now(french.time_zone())
        parts: list[Any] = []
        try:
            horizon = dt.datetime(2999, 1, 1, tzinfo=french.time_zone())
            upcoming = occurrences(data, now, horizon)
            every = occurrences(data, dt.datetime(1900, 1, 1, tzinfo=french.time_zone()), horizon)
        except (ValueError, TypeError):
            upcoming, every = [], []
        if upcoming:
            start, _end, whole = upcoming[0]
            label = "En cours" if start <= now else "À venir"
            parts.append(
                card.para(
                    [card.strong(label), f" : {'prochaine date ' if len(every) > 1 else ''}{french.moment(start, whole)}."],
                    "eco-quand eco-a-venir",
                )
            )
        elif every:
            parts.append(
                card.para([card.strong("Passé"), f" : {french.moment(every[-1][0], every[-1][2])}."], "eco-quand eco-passe")
            )
        place = data.get("lieu", "")
        if place:
            index = get_index()
            venue = find_venue(place, by_alias(readable(index.pages("lieu")) if index else []))
            if venue is not None:
                parts.append(
                    card.para(
                        [
                            "Lieu : ",
                            card.page_link(venue.fullname, venue.title),
                            *([f" ({venue.data['commune']})"] if venue.data.get("commune") else []),
                        ]
                    )
                )
            elif not looks_like_address(place):
                parts.append(
                    card.problems_box(
                        [
                            Probleme(
                                f"lieu inconnu « {place} » : ce n'est ni le nom d'une page de lieu, ni une adresse (écrivez le "
                                "nom d'une page de la rubrique Lieux, ou une adresse avec son numéro et sa commune).",
                                champ="lieu",
                            )
                        ],
                        title="Lieu à vérifier",
                    )
                )
        return card.div("eco-quand-evenement", parts)
