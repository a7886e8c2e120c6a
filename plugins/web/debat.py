"""Web views of the debates: the argument and amendment forms, support, decisions, and the Atom feeds.

Nested in our blueprint (one line in ``plugins/web/routes.py``). Forms are small and CSRF-protected (the token of
``plugins/web/forms.py``); every state change is a POST by a logged-in member, checked in ``plugins/indexing/debat.py``.
Feeds list only what the reader may read, and are never cached for another reader.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from moin import flaskg
from moin.constants.keys import CURRENT, ITEMID, NAMERE
from moin.themes import render_template

from plugins.data import frontmatter
from plugins.data.registry import analyse, get
from plugins.data.text import fold
from plugins.data.types.argument import SENS, parse_source
from plugins.data.types.interpellation import concerns
from plugins.indexing import debat, soutiens
from plugins.indexing.query import readable
from plugins.indexing.structured import get_index
from plugins.operations import groupes
from plugins.views.csrf import csrf_ok
from plugins.web import exports
from plugins.web.forms import render_form

blueprint = Blueprint("ecossolies_debat", __name__, template_folder="templates")

ARGUMENT_FIELDS: list[tuple[str, str, str, str]] = [
    ("sens", "Sens", "sens", "pour, contre ou nuance."),
    ("texte", "Votre argument", "textarea", "Obligatoire. Un argument par formulaire, le plus clair possible."),
    (
        "sources",
        "Sources",
        "textarea",
        "Une par ligne : un titre puis l'adresse, par exemple « Rapport 2024 https://… ».",
    ),
]
AMENDMENT_FIELDS: list[tuple[str, str, str, str]] = [
    (
        "texte",
        "Texte proposé",
        "textarea",
        "Obligatoire. Le texte de la position tel que vous proposez qu'il devienne.",
    ),
    ("resume", "Résumé", "text", "En une phrase, ce que change votre proposition."),
]
OPEN_TYPES = ("position", "dispositif", "amendement")
#: entries of a debate's feed: its latest changes
FEED_ENTRIES = 200


def _show(page: str) -> Any:
    return redirect(url_for("frontend.show_item", item_name=page))


def _parse_sources(text: str) -> tuple[list[dict[str, str]], list[str]]:
    sources, errors = [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        source = parse_source(line)
        if not source:
            errors.append(f"ligne {n} : attendu un titre puis une adresse.")
            continue
        sources.append(source)
    return sources, errors


def _open_to_debate(cible: debat.Cible) -> bool:
    return cible.type in OPEN_TYPES or "<<Arguments" in cible.text


@blueprint.route("/+debat/argument", methods=["GET", "POST"])
def new_argument() -> Any:
    """GET: the form. POST: check, write the argument page as the member, back to the debated page."""
    sur = (request.values.get("sur") or "").strip()
    reponse_a = (request.values.get("reponse_a") or "").strip()
    values = {column: request.values.get(column, "") for column, *_ in ARGUMENT_FIELDS}

    def show(errors: dict[str, list[str]], general: list[str], status: int, title: str = "") -> Any:
        heading = "Nouvel argument" + (f" sur « {title} »" if title else "")
        intro = "Votre argument devient une page du wiki, signée de votre nom dans son historique."
        if reponse_a:
            intro += " Il répond à un autre argument."
        return render_form(
            heading,
            intro,
            url_for("ecossolies.ecossolies_debat.new_argument"),
            "Publier l'argument",
            ARGUMENT_FIELDS,
            values,
            errors,
            general,
            status,
            {"sens": SENS},
            hidden=[("sur", sur), ("reponse_a", reponse_a)],
        )

    try:
        cible = debat.target(sur)
    except debat.DebatError as exc:
        return show({}, [str(exc)], 404)
    if not _open_to_debate(cible):
        return show({}, ["Cette page n'est pas ouverte au débat (ajoutez-y « <<Arguments>> » pour l'ouvrir)."], 400)
    if not flaskg.user.valid:  # members only: a visitor is told so before writing anything
        return show({}, ["Connectez-vous pour argumenter."], 403, cible.title)
    if request.method == "GET":
        return show({}, [], 200, cible.title)
    if not csrf_ok():
        return show({}, ["Le formulaire a expiré : envoyez-le de nouveau."], 400, cible.title)
    sources, source_errors = _parse_sources(values["sources"])
    data: dict[str, Any] = {"sur": cible.name, "sens": values["sens"].strip()}
    if sources:
        data["sources"] = sources
    errors: dict[str, list[str]] = {}
    if source_errors:
        errors["sources"] = source_errors
    if reponse_a:
        parent = next((p for p in debat.pages_about("argument", cible.name) if p.fullname == reponse_a), None)
        if parent is None:
            return show({}, ["L'argument auquel vous répondez est introuvable."], 404, cible.title)
        data["reponse_a"] = str(parent.data.get("reponse_a") or parent.fullname)  # one level of answers
    record = get("argument").validate(data)
    for problem in record.problems:
        errors.setdefault(problem.champ if problem.champ in ("sens", "sources") else "texte", []).append(
            problem.message
        )
    if not values["texte"].strip():
        errors.setdefault("texte", []).append("l'argument est vide.")
    if errors:
        return show(errors, ["L'argument n'est pas encore publié : corrigez les champs signalés."], 422, cible.title)
    try:
        debat.create_argument(cible, record.data, values["texte"])
    except debat.DebatError as exc:
        return show({"texte": [str(exc)]}, [], 422, cible.title)
    return _show(cible.name)


@blueprint.route("/+debat/soutien", methods=["POST"])
def support() -> Any:
    """A member supports an argument (once), or withdraws their support."""
    name = request.form.get("argument", "")
    if not csrf_ok():
        abort(400)
    if not flaskg.user.valid:
        abort(403)
    if not name or not flaskg.user.may.read(name):
        abort(404)
    item = flaskg.storage.get_item(name_exact=name)
    record = analyse(item[CURRENT].data.read().decode("utf-8", "replace")).record if item else None
    if record is None or record.type.name != "argument":
        abort(404)
    if request.form.get("retirer"):
        soutiens.remove(current_app.cfg, item.itemid, flaskg.user.itemid)
    else:
        soutiens.add(current_app.cfg, item.itemid, flaskg.user.itemid)
    return _show(str(record.data.get("sur") or name))


@blueprint.route("/+debat/amendement", methods=["GET", "POST"])
def new_amendment() -> Any:
    """GET: the form, with the current text and its revision. POST: store the proposal against that revision."""
    sur = (request.values.get("sur") or "").strip()
    values = {column: request.form.get(column, "") for column, *_ in AMENDMENT_FIELDS}
    base = request.form.get("base", "")

    def show(errors: dict[str, list[str]], general: list[str], status: int, title: str = "") -> Any:
        return render_form(
            "Proposer un amendement" + (f" à « {title} »" if title else ""),
            "Modifiez le texte ci-dessous : le groupe verra vos changements, pourra en débattre, puis les accepter "
            "ou les rejeter en donnant un motif.",
            url_for("ecossolies.ecossolies_debat.new_amendment"),
            "Proposer l'amendement",
            AMENDMENT_FIELDS,
            values,
            errors,
            general,
            status,
            {},
            hidden=[("sur", sur), ("base", base)],
        )

    try:
        cible = debat.target(sur)
    except debat.DebatError as exc:
        return show({}, [str(exc)], 404)
    if cible.type != "position":
        return show({}, ["Seules les positions se modifient par amendement."], 400)
    if not flaskg.user.valid:
        return show({}, ["Connectez-vous pour proposer un amendement."], 403, cible.title)
    if request.method == "GET":
        values["texte"] = frontmatter.split(cible.text).body
        base = cible.revid
        return show({}, [], 200, cible.title)
    if not csrf_ok():
        return show({}, ["Le formulaire a expiré : envoyez-le de nouveau."], 400, cible.title)
    if base != cible.revid:
        item = current_app.storage.get_item(name_exact=cible.name)
        if not base or not any(doc.meta.get("revid") == base for doc in item.iter_revs()):
            return show({}, ["Révision de base inconnue : rouvrez le formulaire depuis la position."], 400, cible.title)
        cible.revid = base  # written against an older text: stored as such, and flagged if the text moved on
    try:
        name = debat.create_amendment(cible, values["resume"], values["texte"])
    except debat.DebatError as exc:
        return show({"texte": [str(exc)]}, [], 422, cible.title)
    return _show(name)


@blueprint.route("/+debat/amendement/decider", methods=["POST"])
def decide() -> Any:
    """A member of the position's group accepts (applies) or rejects (with a reason) an amendment."""
    name = request.form.get("amendement", "")
    if not csrf_ok():
        abort(400)
    if not flaskg.user.valid:
        abort(403)
    try:
        prop = debat.proposition(name)
    except debat.DebatError:
        abort(404)
    try:
        if request.form.get("decision") == "accepter":
            debat.accept(prop)
        elif request.form.get("decision") == "rejeter":
            debat.reject(prop, request.form.get("motif", ""))
        else:
            abort(400)
    except debat.DebatError as exc:

        status = 409 if "changé" in str(exc) or "décidé" in str(exc) else 403
        html = render_template("ecossolies/debat_refus.html", title_name="Décision", message=str(exc), page=name)
        return Response(html, status, mimetype="text/html")
    return _show(name)


@blueprint.route("/+debat/suivre", methods=["POST"])
def follow() -> Any:
    """A member follows a debate by e-mail with moin's own subscriptions: the page and every page under it
    (its arguments and amendments); moin mails only what each subscriber may read."""

    name = request.form.get("page", "")
    if not csrf_ok():
        abort(400)
    if not flaskg.user.valid:
        abort(403)
    if not current_app.cfg.mail_enabled:
        abort(404)
    try:
        cible = debat.target(name)
    except debat.DebatError:
        abort(404)
    item = current_app.storage.get_item(name_exact=cible.name)
    if request.form.get("arreter"):
        flaskg.user.unsubscribe(NAMERE, debat.under(cible.name), "")
        flaskg.user.unsubscribe(ITEMID, item.itemid)
    else:
        flaskg.user.subscribe(NAMERE, debat.under(cible.name), "")
        flaskg.user.subscribe(ITEMID, item.itemid)
    return _show(cible.name)


# -- feeds ----------------------------------------------------------------------------------------------


@blueprint.route("/+debat/flux")
def feed() -> Response:
    """Atom: the debate of a page (``?page=``) or of a working group's positions (``?groupe=``), written by the
    export registry's Atom writer (``plugins.web.exports.atom``)."""

    page, group = request.args.get("page", ""), request.args.get("groupe", "")
    index = get_index()
    entries: list[Any] = []
    if page:
        try:
            cible = debat.target(page)
        except debat.DebatError:
            abort(404)
        title, link = f"Débat : {cible.title}", cible.name
        amendments = debat.pages_about("amendement", cible.name, cible.title)
        entries = debat.pages_about("argument", cible.name, cible.title) + amendments
        for amendment in amendments:  # the debate of an amendment is part of the position's
            entries += debat.pages_about("argument", amendment.fullname)
        entries += debat.interpellations_about("positions", cible.name, cible.title)
        entries += debat.interpellations_about("dispositifs", cible.name, cible.title)
    elif group:
        if not flaskg.storage.has_item(groupes.space(group)) or not flaskg.user.may.read(groupes.space(group)):
            abort(404)
        title, link = f"Débats du groupe {group}", groupes.space(group)
        positions = [p for p in readable(index.pages("position")) if fold(str(p.data.get("groupe", ""))) == fold(group)]
        names = {fold(p.fullname) for p in positions} | {fold(p.title) for p in positions}
        amendments = [p for p in readable(index.pages("amendement")) if fold(str(p.data.get("sur", ""))) in names]
        debated = names | {fold(p.fullname) for p in amendments}
        entries = positions + amendments
        entries += [p for p in readable(index.pages("argument")) if fold(str(p.data.get("sur", ""))) in debated]
        cited = names | {fold(p.fullname.rsplit("/", 1)[-1]) for p in positions}
        entries += [
            p
            for p in readable(index.pages("interpellation"))
            if fold(str(p.data.get("groupe", ""))) == fold(group) or concerns(p.data, "positions", cited)
        ]
    else:
        abort(404)
    base = request.host_url.rstrip("/")
    unique = {p.itemid: p for p in entries}.values()
    shown = sorted(unique, key=lambda p: (p.mtime, p.fullname))[-FEED_ENTRIES:]
    written = debat.authors(shown)
    items = []
    for p in shown:
        url = f"{base}/{quote(p.fullname)}"
        body = debat.body_of(p)
        items.append(
            exports.FeedEntry(
                url, f"{url}#{p.revid}", p.title[:300], p.mtime, written[p.itemid].name, content=body[:2000] or p.title
            )
        )
    own = f"{base}{request.full_path}"
    body = exports.atom(own, title, f"{base}/{quote(link)}", items, self_link=own)
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
