"""Interpellations — les courriers du réseau aux pouvoirs publics : objet, destinataire, date d'envoi, statut
(en préparation, envoyée, relancée, répondue, sans réponse) et jours d'attente ; puis, par destinataire, la
part des courriers qui ont reçu une réponse et le délai médian de réponse.

Arguments (facultatifs, nom="valeur") : ``destinataire``, ``statut`` (un des statuts ci-dessus), ``annee``
(année d'envoi), ``groupe``, ``delai`` (jours après lesquels un courrier est « sans réponse » ; 60 par défaut).
Seules les interpellations que le lecteur peut lire sont listées et comptées.
Les trois premiers s'écrivent aussi sans nom, dans cet ordre : ``<<Interpellations("Conseil départemental",
répondue, 2026)>>`` (entre guillemets une valeur qui contient une espace ; pour ne donner que l'année, la
nommer : ``annee="2026"``).
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
from plugins.views.macro_support import ArgumentError, error_box, ordered_arguments

KNOWN = ("destinataire", "statut", "annee", "groupe", "delai")
#: the arguments that may be written without their name, in this order
POSITIONAL = ("destinataire", "statut", "annee")


def arguments_of(arguments: Any) -> dict[str, str]:
    """Named arguments, and the first three by position (destinataire, statut, annee), as the issue writes them."""
    return {k: v.strip() for k, v in ordered_arguments(arguments, "Interpellations", POSITIONAL).items()}


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:

        try:
            args = arguments_of(arguments)
            unknown = [k for k in args if k not in KNOWN]
            if unknown:
                raise ArgumentError(
                    f"Interpellations : argument inconnu « {unknown[0]} » (possibles : {', '.join(KNOWN)})."
                )
            statut = fold(args.get("statut", ""))
            if statut and statut not in {fold(s) for s in STATUTS}:
                raise ArgumentError(
                    f"Interpellations : statut inconnu « {args['statut'][:40]} » ; statuts possibles : "
                    f"{', '.join(STATUTS)}."
                )
            annee = args.get("annee", "")
            if annee and not (annee.isdigit() and len(annee) == 4):
                raise ArgumentError(f"Interpellations : « annee » est une année sur quatre chiffres, pas « {annee[:40]} ».")
            delai = args.get("delai", str(DELAI)) or str(DELAI)
            if not delai.isdigit() or not 1 <= int(delai) <= 3650:
                raise ArgumentError("Interpellations : « delai » est un nombre de jours, entre 1 et 3650.")
        except ArgumentError as exc:
            return error_box(str(exc), alternative)
        index = get_index()
        pages = readable(index.pages("interpellation") if index else [])
        wanted = {k: fold(v) for k, v in args.items() if k in ("destinataire", "groupe") and v}
        pages = [p for p in pages if all(fold(str(p.data.get(k, ""))) == v for k, v in wanted.items())]
        if annee:
            pages = [p for p in pages if str(p.data.get("envoi", ""))[:4] == annee]
        if statut:
            pages = [p for p in pages if fold(etat(p.data, delai=int(delai)).code) == statut]
        return debat.listing(pages, int(delai))
