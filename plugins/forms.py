"""The « Nouvelle fiche » form: members create a fiche without writing YAML.

The form has one field per column of a flat fiche (``plugins/flat.py``); on submission the data block is
written for the member, checked with the fiche schema and saved through moin's Item API under the member's
own rights (so moin's ACLs, history and signals apply). A wrong value re-shows the form with every field
kept and a French message beside the field. The form carries a CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import redirect, request, session, url_for
from moin import flaskg
from moin.constants.keys import CONTENTTYPE, ITEMTYPE
from moin.items import Item
from moin.storage.middleware.exceptions import AccessDenied
from moin.themes import render_template

from plugins import communes, frontmatter
from plugins.fiche import FORMES
from plugins.flat import flat_to_data, page_name_problem
from plugins.pages import MOINWIKI
from plugins.registry import get

PREFIX = "Initiatives/"
CSRF_KEY = "eco_csrf"

#: (column, label, kind, help) in the order the form shows them
FIELDS: list[tuple[str, str, str, str]] = [
    ("nom", "Nom de l'initiative", "text", "Obligatoire. La page s'appellera « Initiatives/ » suivi de ce nom."),
    ("porteurs", "Porteurs", "text", "Personnes ou structures, séparées par des virgules."),
    ("forme", "Forme juridique", "forme", "Association, SCOP, SCIC, collectif…"),
    ("secteurs", "Secteurs", "text", "Séparés par des virgules, par exemple : Culture, Récup'."),
    ("themes", "Thèmes", "text", "Séparés par des virgules."),
    ("resume", "Résumé", "textarea", "Une ou deux phrases."),
    ("commune", "Commune", "commune", "Une commune de Loire-Atlantique, avec ou sans accents."),
    ("adresse", "Adresse", "text", ""),
    ("email", "Courriel", "email", ""),
    ("telephone", "Téléphone", "tel", ""),
    ("site", "Site web", "url", "Commençant par https://"),
    ("creation", "Année de création", "year", "Quatre chiffres, par exemple 2015."),
    ("parcours", "Parcours", "textarea", "Une étape par ligne : « 2015 : création de l'association »."),
    ("offres", "Offres", "textarea", "Compétences et ressources proposées, une par ligne."),
    ("besoins", "Besoins", "textarea", "Compétences et ressources recherchées, une par ligne."),
    ("texte", "Présentation", "textarea", "Texte libre de la page (syntaxe du wiki)."),
]


def csrf_token() -> str:
    token = session.get(CSRF_KEY)
    if not token:
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def csrf_ok() -> bool:
    sent = request.form.get("csrf_token", "")
    expected = session.get(CSRF_KEY, "")
    return bool(expected) and hmac.compare_digest(sent, expected)


def show(values: dict[str, str], errors: dict[str, list[str]], general: list[str], status: int = 200) -> Any:
    html = render_template(
        "ecossolies/nouvelle_fiche.html",
        title_name="Nouvelle fiche",
        fields=FIELDS,
        values=values,
        errors=errors,
        general=general,
        formes=FORMES,
        communes=communes.names(),
        csrf_token=csrf_token(),
        logged_in=bool(flaskg.user.valid),
    )
    return html, status


def new_fiche() -> Any:
    """GET: the form. POST: check, write the data block, save as the member, go to the new page."""
    if request.method == "GET":
        return show({}, {}, [])
    values = {column: request.form.get(column, "") for column, *_ in FIELDS}
    if not csrf_ok():
        return show(values, {}, ["Le formulaire a expiré : vérifiez les champs et envoyez-le de nouveau."], 400)
    if not flaskg.user.valid:
        return show(values, {}, ["Connectez-vous pour créer une fiche."], 403)
    data, column_errors = flat_to_data(values)
    errors: dict[str, list[str]] = {}
    for column, message in column_errors:
        errors.setdefault(column, []).append(message)
    record = get("fiche").validate(data)
    for problem in record.problems:
        column = {"contact": "email", "position": "adresse"}.get(problem.champ or "", problem.champ or "nom")
        errors.setdefault(column, []).append(problem.message)
    name = PREFIX + values["nom"].strip()
    problem = page_name_problem(name) if values["nom"].strip() else None
    if problem:
        errors.setdefault("nom", []).append(problem)
    if not errors and flaskg.storage.has_item(name):
        errors["nom"] = [f"une page « {name} » existe déjà : choisissez un autre nom ou modifiez cette page."]
    if errors:
        return show(values, errors, ["La fiche n'est pas encore enregistrée : corrigez les champs signalés."], 422)
    text = frontmatter.join({"type": "fiche", **record.data}, values["texte"].strip() + "\n")  # clean values
    try:
        item = Item.create(name, itemtype="default", contenttype=MOINWIKI)
        item._save({CONTENTTYPE: MOINWIKI, ITEMTYPE: "default"}, text, comment="Nouvelle fiche (formulaire)")
    except AccessDenied:
        return show(values, {}, ["Vous n'avez pas le droit de créer cette page."], 403)
    return redirect(url_for("frontend.show_item", item_name=name))
