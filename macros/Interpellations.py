"""Interpellations — les courriers du réseau aux pouvoirs publics : objet, destinataire, date d'envoi, statut
(en préparation, envoyée, relancée, répondue, sans réponse) et jours d'attente ; puis, par destinataire, la
part des courriers qui ont reçu une réponse et le délai médian de réponse.

Arguments (facultatifs, nom="valeur") : ``destinataire``, ``statut`` (un des statuts ci-dessus), ``annee``
(année d'envoi), ``groupe``, ``delai`` (jours après lesquels un courrier est « sans réponse » ; 60 par défaut).
Seules les interpellations que le lecteur peut lire sont listées et comptées.
Exemple : ``<<Interpellations(destinataire="Conseil départemental", annee="2026")>>``
"""

from __future__ import annotations

from typing import Any

from moin.macros._base import MacroBlockBase

from plugins.data.text import fold
from plugins.data.types.interpellation import DELAI, STATUTS, etat
from plugins.indexing.query import readable
from plugins.indexing.structured import get_index
from plugins.views import debat
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments

KNOWN = ("destinataire", "statut", "annee", "groupe", "delai")


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:

        try:
            args = keyword_arguments(arguments, "Interpellations")
            unknown = [k for k in args if k not in KNOWN]
            if unknown:
                raise ArgumentError(
                    f"Interpellations : argument inconnu « {unknown[0]} » (possibles : {', '.join(KNOWN)})."
                )
            statut = fold(args.get("statut", ""))
            if statut and statut not in {fold(s) for s in STATUTS}:
                raise ArgumentError(f"Interpellations : statut inconnu ; statuts possibles : {', '.join(STATUTS)}.")
            delai = args.get("delai", str(DELAI))
            if not delai.isdigit() or not 1 <= int(delai) <= 3650:
                raise ArgumentError("Interpellations : « delai » est un nombre de jours, entre 1 et 3650.")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        index = get_index()
        pages = readable(index.pages("interpellation") if index else [])
        wanted = {k: fold(v) for k, v in args.items() if k in ("destinataire", "groupe") and v}
        pages = [p for p in pages if all(fold(str(p.data.get(k, ""))) == v for k, v in wanted.items())]
        if args.get("annee"):
            pages = [p for p in pages if str(p.data.get("envoi", ""))[:4] == args["annee"].strip()]
        if statut:
            pages = [p for p in pages if fold(etat(p.data, delai=int(delai)).code) == statut]
        return debat.listing(pages, int(delai))
