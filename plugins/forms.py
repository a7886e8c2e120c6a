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
from moin.constants.keys import CURRENT as CURRENT_REV
from moin.items import Item
from moin.storage.middleware.exceptions import AccessDenied
from moin.themes import render_template

from plugins import communes, frontmatter
from plugins.fiche import FORMES
from plugins.flat import flat_to_data, flat_to_data_for, page_name_problem
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


def render_form(
    heading: str,
    intro: str,
    action: str,
    button: str,
    fields: list[tuple[str, str, str, str]],
    values: dict[str, str],
    errors: dict[str, list[str]],
    general: list[str],
    status: int,
    datalists: dict[str, Any],
    hidden: list[tuple[str, str]] = (),
) -> Any:
    """One template for our forms: labelled fields, help and errors tied to them (aria), CSRF token."""
    html = render_template(
        "ecossolies/formulaire.html",
        title_name=heading,
        heading=heading,
        intro=intro,
        action=action,
        button=button,
        fields=fields,
        required=fields[0][0],
        values=values,
        errors=errors,
        general=general,
        datalists=datalists,
        hidden=list(hidden),
        csrf_token=csrf_token(),
        logged_in=bool(flaskg.user.valid),
    )
    return html, status


def show(values: dict[str, str], errors: dict[str, list[str]], general: list[str], status: int = 200) -> Any:
    return render_form(
        "Nouvelle fiche",
        "Présentez une initiative de l'économie sociale et solidaire. Seul le nom est obligatoire ; tout se complète "
        "ensuite en modifiant la page.",
        url_for("ecossolies.new_fiche"),
        "Créer la fiche",
        FIELDS,
        values,
        errors,
        general,
        status,
        {"forme": FORMES, "commune": communes.names()},
    )


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


POSITION_FIELDS: list[tuple[str, str, str, str]] = [
    ("titre", "Titre de la position", "text", "Obligatoire."),
    ("statut", "Statut", "statut", "brouillon (par défaut), en débat, adoptée, transmise ou archivée."),
    ("destinataires", "Destinataires", "text", "Élus, institutions… séparés par des virgules."),
    ("dispositifs", "Dispositifs liés", "text", "Noms des pages de dispositifs, séparés par des virgules."),
    ("adoption", "Date d'adoption", "text", "AAAA-MM-JJ, une fois adoptée."),
    ("signataires", "Signataires", "text", "Séparés par des virgules."),
    ("texte", "Texte de la position", "textarea", "Le texte libre (syntaxe du wiki)."),
]


DISCUSSION_TEXT = """= Discussion : {title} =

Débattez ici de la position : une section par sujet, signez vos messages. Tant que la position est un
brouillon, cette page n'est lisible que par le groupe.
"""


def new_position() -> Any:
    """A member of a working group starts a position: a draft only the group (and admins) can read."""
    from flask import current_app

    from plugins import groupes
    from plugins.pages import store_page
    from plugins.position import STATUTS

    group = (request.values.get("groupe") or "").strip()
    values = {column: request.form.get(column, "") for column, *_ in POSITION_FIELDS}

    def show_position(errors: dict[str, list[str]], general: list[str], status: int) -> Any:
        return render_form(
            f"Nouvelle position du groupe {group}" if group else "Nouvelle position",
            "Un brouillon n'est visible que par le groupe et les administrateurs, jusqu'à ce qu'un membre le rende "
            "public.",
            url_for("ecossolies.new_position"),
            "Créer le brouillon",
            POSITION_FIELDS,
            values,
            errors,
            general,
            status,
            {"statut": STATUTS},
            hidden=[("groupe", group)],
        )

    if not group or not flaskg.storage.has_item(groupes.space(group)):
        return show_position(
            {},
            [
                f"Groupe de travail inconnu « {group} » : ouvrez ce formulaire depuis la page "
                "de votre groupe (GroupesDeTravail/…)."
            ],
            404,
        )
    if not groupes.is_member(group):
        return show_position(
            {},
            [f"Seuls les membres du groupe {group} rédigent ses positions."],
            403 if request.method == "POST" else 200,
        )
    if request.method == "GET":
        return show_position({}, [], 200)
    if not csrf_ok():
        return show_position({}, ["Le formulaire a expiré : envoyez-le de nouveau."], 400)
    data, column_errors = flat_to_data_for("position", values)
    data.update(groupe=group)
    data.setdefault("statut", "brouillon")
    record = get("position").validate(data)
    errors: dict[str, list[str]] = {}
    for column, message in column_errors:
        errors.setdefault(column, []).append(message)
    for problem in record.problems:
        errors.setdefault(problem.champ or "titre", []).append(problem.message)
    name = f"{groupes.space(group)}/{values['titre'].strip()}"
    if values["titre"].strip():
        problem = page_name_problem(name)
        if problem:
            errors.setdefault("titre", []).append(problem)
        elif flaskg.storage.has_item(name):
            errors.setdefault("titre", []).append(f"une page « {name} » existe déjà.")
    if errors:
        return show_position(errors, ["La position n'est pas encore enregistrée : corrigez les champs signalés."], 422)
    text = frontmatter.join({"type": "position", **record.data}, values["texte"].strip() + "\n")
    # members may not set ACLs through moin's form: we checked membership, we write the draft's ACL
    store_page(current_app, name, text, "Nouvelle position (brouillon)", acl=groupes.draft_acl(group))
    # its discussion page too, so that a draft's debate stays in the group
    store_page(
        current_app,
        f"{name}/Discussion",
        DISCUSSION_TEXT.format(title=record.title),
        "Discussion de la position (brouillon)",
        acl=groupes.draft_acl(group),
    )
    return redirect(url_for("frontend.show_item", item_name=name))


def publish_position() -> Any:
    """A member of the group makes a draft public: a new revision with the public ACL, in the history."""
    from flask import abort, current_app

    from plugins import groupes
    from plugins.pages import store_page
    from plugins.registry import analyse

    name = request.form.get("page", "")
    if not csrf_ok():
        abort(400)
    item = flaskg.storage.get_item(name_exact=name)
    if not item or not flaskg.user.may.read(name):
        abort(404)
    rev = item[CURRENT_REV]
    text = rev.data.read().decode("utf-8")
    record = analyse(text).record
    group = record.data.get("groupe", "") if record is not None and record.type.name == "position" else ""
    if not group or not groupes.is_member(group):
        abort(403)
    user = flaskg.user.name[0]
    store_page(current_app, name, text, f"Rendue publique par {user}", acl=groupes.public_acl(group))
    __import__("plugins.debat").debat.publish_debate(current_app, name, group)  # its arguments and amendments too
    discussion = current_app.storage.get_item(name_exact=f"{name}/Discussion")
    if discussion:
        talk = discussion[CURRENT_REV].data.read().decode("utf-8")
        store_page(
            current_app, f"{name}/Discussion", talk, f"Rendue publique par {user}", acl=groupes.public_acl(group)
        )
    return redirect(url_for("frontend.show_item", item_name=name))
