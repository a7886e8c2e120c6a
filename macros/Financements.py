"""Financements — la cartographie des subventions publiques : qui reçoit quoi, de qui, où, et à quel point c'est concentré.

Les chiffres viennent des fichiers publics au format national SCDL « subventions » importés dans le wiki
(``make import-subventions FILE=…`` ou la page « Importer des subventions », réservée aux administrateurs).

Arguments (tous facultatifs, de la forme nom="valeur", séparés par des virgules ; sans accents ni majuscules
obligatoires) :

- ``attribuant`` : la collectivité qui donne (une partie de son nom, ou son SIRET) ;
- ``annee`` : l'année de la convention, par exemple 2023 ;
- ``beneficiaire`` : une partie du nom du bénéficiaire, ou son SIRET, son SIREN ou son numéro RNA ;
- ``objet`` : un mot ou une expression contenu dans l'objet de la subvention ;
- ``commune`` : la commune du bénéficiaire (celle de sa fiche, sinon celle de la table SIRET → commune) ;
- ``nature`` : « aide en numéraire », « aide en nature » ou les deux (« aide en numéraire;aide en nature ») ;
- ``dispositif`` : le dispositif d'aide (une partie de son nom) ;
- ``fiche`` : le nom de la page d'une fiche (les subventions reliées à cette initiative) ;
- ``limite`` : le nombre de bénéficiaires du palmarès (10 par défaut, 100 au plus).

La macro montre, pour la sélection : le montant total, le nombre de subventions et de bénéficiaires, la part
reçue par les 10 % de bénéficiaires les mieux dotés, l'indice de Gini (de 0, tous reçoivent autant, à presque 1,
un seul reçoit tout) et sa courbe de Lorenz, les bénéficiaires les mieux dotés, la répartition par année, par
nature, par attribuant, par dispositif et par commune (avec une carte), la liste des fichiers sources, et les
liens pour télécharger la sélection : CSV strictement au schéma SCDL 2.1.1, CSV enrichi (fiche, commune, fichier
source, avertissements) ou JSON. Chaque graphique a ses chiffres dans un tableau. Le lecteur
affine en cliquant sur une année, une nature ou une commune.

Chaque bénéficiaire compte pour sa part d'une subvention : le montant publié est le total avant répartition,
multiplié par ``pourcentageSubvention``. Un bénéficiaire est reconnu par son SIREN (les 9 premiers chiffres du
SIRET), sinon son numéro RNA, sinon son nom normalisé (accents, majuscules, ponctuation et article « Les »
devant ou derrière ignorés) : une association publiée sous plusieurs graphies compte une fois, ses graphies
listées. Il est relié à la fiche du wiki qui porte son SIRET (champ ``siret``), son numéro RNA (champ ``rna``)
ou son nom ; la fiche montre alors les subventions reçues. Les prêts et garanties publiés sans montant ne sont
pas comptés. Montants au centime, parts au dixième de
point, indice de Gini au centième (arrondis au plus proche). Seuls les fichiers que le lecteur a le droit de lire
sont comptés ; une subvention publiée dans deux fichiers n'est comptée qu'une fois.

Exemples : ``<<Financements>>``, ``<<Financements(annee="2024", commune="Rezé")>>``,
``<<Financements(attribuant="Nantes Métropole", objet="festival")>>``
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from moin.macros._base import MacroBlockBase

from plugins.subventions import analysis, views
from plugins.subventions.analysis import SelectionError
from plugins.views.macro_support import ArgumentError, error_box, keyword_arguments

DEFAULT_TOP = 10
MAX_TOP = 100


class Macro(MacroBlockBase):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: str) -> Any:
        try:
            args = keyword_arguments(arguments, "Financements")
            raw_top = args.pop("limite", str(DEFAULT_TOP)).strip()
            if not raw_top.isdigit() or not 1 <= int(raw_top) <= MAX_TOP:
                raise ArgumentError(f"« limite » doit être un nombre entre 1 et {MAX_TOP}, pas « {raw_top} ».")
            filters = analysis.filters_from(args, request.args)
        except (ArgumentError, SelectionError) as exc:
            message = str(exc)
            return error_box(
                message if message.startswith("Financements") else f"Financements : {message}", alternative
            )
        figures = analysis.compute(analysis.world(current_app), filters)
        return views.view(figures, filters, int(raw_top))
