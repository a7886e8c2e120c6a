"""What the debate macros show, as moin DOM (escaped by moin's serialiser): arguments in columns by sense,
amendments and their diff, a position's path, interpellations and their status.

Everything is computed for the current reader at display time (the reader's rights, today's date, the
supports of the moment), which is why cards call these through macros rather than render them once.
"""

from __future__ import annotations

import datetime
from typing import Any

from flask import current_app, request
from moin import flaskg
from moin.constants.keys import MTIME, NAMERE, REV_NUMBER, REVID
from moin.user import assemble_subscription
from moin.utils.diff_text import diff as text_diff
from moin.utils.tree import html, moin_page

from plugins.data import frontmatter, numbers
from plugins.data.text import fold
from plugins.data.types.argument import SENS, SENS_LABELS
from plugins.data.types.interpellation import DELAI, by_addressee, etat
from plugins.indexing import debat, soutiens
from plugins.indexing.structured import IndexedPage
from plugins.views import card, csrf
from plugins.views.cards.argument import source_link
from plugins.views.urls import route_url

EXCERPT = 1200
#: arguments shown per column, the most supported first (all with ``?debat=tout``)
SHOWN = 20


def _form(action: str, fields: dict[str, str], button: str, css: str, extra: list[Any] = ()) -> Any:
    """A small POST form with its CSRF token (no state change by GET)."""
    inputs = [html.input(attrib={html.type: "hidden", html.name: "csrf_token", html.value: csrf.csrf_token()})]
    inputs += [html.input(attrib={html.type: "hidden", html.name: k, html.value: v}) for k, v in fields.items()]
    inputs += list(extra)
    inputs.append(html.button(attrib={html.type: "submit", html.class_: "moin-button"}, children=[button]))
    return html.form(attrib={html.method: "post", html.action: action, html.class_: css}, children=inputs)


def _paragraphs(text: str) -> list[Any]:
    if len(text) > EXCERPT:
        text = text[:EXCERPT].rsplit(" ", 1)[0] + " […]"
    return [card.para([p.strip()]) for p in text.split("\n\n") if p.strip()]


def _url(endpoint: str, **args: str) -> str:
    """A link to one of the debate's routes (plugins/web/debat.py), by endpoint."""
    return route_url(f"ecossolies.ecossolies_debat.{endpoint}", args)


# -- arguments ----------------------------------------------------------------------------------------


def arguments(target: str, title: str = "") -> Any:
    """The debate of a page: one column per sense with its count; supports and answers under each."""
    found = debat.pages_about("argument", target, title)
    member = flaskg.user.itemid if flaskg.user.valid else None
    counts, mine = soutiens.counts(current_app.cfg, [p.itemid for p in found], member)
    authors = debat.authors(found)
    names = {fold(p.fullname) for p in found}
    answers: dict[str, list[IndexedPage]] = {}
    top: list[IndexedPage] = []
    for page in found:
        parent = fold(str(page.data.get("reponse_a", "")))
        (answers.setdefault(parent, []) if parent in names else top).append(page)

    def order(pages: list[IndexedPage]) -> list[IndexedPage]:
        return sorted(pages, key=lambda p: (-counts.get(p.itemid, 0), authors[p.itemid].created, p.fullname))

    may = bool(member) and flaskg.user.may.read(target)

    def entry(page: IndexedPage, nested: bool) -> list[Any]:
        who = authors[page.itemid]
        n = counts.get(page.itemid, 0)
        parts: list[Any] = _paragraphs(debat.body_of(page))
        if page.data.get("sources"):
            parts.append(card.para(["Sources : ", *card.joined([source_link(s) for s in page.data["sources"]])]))
        meta: list[Any] = [
            f"{who.name}, le {debat.day(who.created)} · ",
            card.span("eco-soutiens", [f"{n} soutien{'s' if n > 1 else ''}"]),
            " · ",
            card.page_link(page.fullname, "page de l'argument"),
        ]
        parts.append(card.para(meta, "eco-details"))
        if may:
            if page.itemid in mine:
                parts.append(card.para(["Vous soutenez cet argument."], "eco-details"))
                parts.append(
                    _form(
                        route_url("ecossolies.ecossolies_debat.support"),
                        {"argument": page.fullname, "retirer": "1"},
                        "Retirer mon soutien",
                        "eco-soutenir",
                    )
                )
            else:
                parts.append(_form(route_url("ecossolies.ecossolies_debat.support"), {"argument": page.fullname}, "Soutenir", "eco-soutenir"))
            if not nested:
                parts.append(
                    card.para(
                        [card.url_link(_url("new_argument", sur=target, reponse_a=page.fullname), "Répondre")],
                        "eco-repondre",
                    )
                )
        if not nested and answers.get(fold(page.fullname)):
            replies = [entry(a, True) for a in order(answers[fold(page.fullname)])]
            parts.append(card.div("eco-reponses", [card.heading("Réponses", 4), card.bullet_list(replies)]))
        return parts


    everything = request.args.get("debat") == "tout"
    columns = []
    for sens in SENS:
        mine_sense = order([p for p in top if p.data.get("sens") == sens])
        total = sum(1 for p in found if p.data.get("sens") == sens)
        body: list[Any] = [card.heading(f"{SENS_LABELS[sens]} ({total})", 3)]
        shown = mine_sense if everything else mine_sense[:SHOWN]
        if shown:
            body.append(card.bullet_list([entry(p, False) for p in shown], css="eco-arguments-liste"))
        elif total == 0:
            body.append(card.para(["Aucun argument."], "eco-vide"))
        if len(shown) < len(mine_sense):
            rest = len(mine_sense) - len(shown)
            body.append(
                card.para(
                    [card.url_link(f"{request.path}?debat=tout", f"Voir les {rest} autres arguments « {sens} »")],
                    "eco-voir-tout",
                )
            )
        if total > len(mine_sense):
            n = total - len(mine_sense)
            body.append(
                card.para(
                    [f"Dont {n} en réponse à un autre argument (affiché{'s' if n > 1 else ''} sous celui-ci)."],
                    "eco-details",
                )
            )
        if may:
            body.append(
                card.para(
                    [card.url_link(_url("new_argument", sur=target, sens=sens), f"Ajouter un argument {sens}")],
                    "eco-ajouter",
                )
            )
        columns.append(card.div(f"eco-colonne eco-sens-{sens}", body))
    children: list[Any] = [
        card.heading("Le débat", 3),
        card.para(
            [
                f"{len(found)} argument{'s' if len(found) > 1 else ''} : "
                + " · ".join(f"{sum(1 for p in found if p.data.get('sens') == s)} {s}" for s in SENS)
            ],
            "eco-compte",
        ),
        card.div("eco-colonnes", columns),
        card.para(
            [
                card.url_link(
                    _url("feed", page=target),
                    "Suivre ce débat (flux Atom)",
                    css="eco-flux",
                    mimetype="application/atom+xml",
                )
            ],
            "eco-details",
        ),
    ]
    if not flaskg.user.valid:
        children.insert(2, card.para(["Connectez-vous pour argumenter ou soutenir un argument."], "eco-aide"))
    elif may and current_app.cfg.mail_enabled:
        children.append(follow_form(target))
    return card.div("eco-debat", children)


def follow_form(target: str) -> Any:
    """Follow the debate by e-mail (moin's subscriptions to the page and the pages under it), or stop."""

    following = assemble_subscription(NAMERE, debat.under(target), "") in (flaskg.user.subscriptions or [])
    if following:
        return _form(
            route_url("ecossolies.ecossolies_debat.follow"), {"page": target, "arreter": "1"}, "Ne plus suivre ce débat par courriel", "eco-suivre"
        )
    return _form(route_url("ecossolies.ecossolies_debat.follow"), {"page": target}, "Suivre ce débat par courriel", "eco-suivre")


# -- amendments ---------------------------------------------------------------------------------------


def amendments(position: str, title: str = "") -> Any:
    """A position's amendments, open / accepted / rejected, and the link to propose one."""
    found = debat.pages_about("amendement", position, title)
    written = debat.authors(found)
    children: list[Any] = [card.heading("Amendements", 3)]
    for statut, label in (("ouvert", "Ouverts"), ("accepté", "Acceptés"), ("rejeté", "Rejetés")):
        pages = sorted((p for p in found if p.data.get("statut", "ouvert") == statut), key=lambda p: p.mtime)
        items = []
        for page in pages:
            who = written[page.itemid]
            items.append(
                [
                    card.page_link(page.fullname, page.data.get("resume") or page.name.rsplit("/", 1)[-1]),
                    f" — {who.name}, le {debat.day(who.created)}",
                    *([f" — motif : {page.data['motif']}"] if page.data.get("motif") else []),
                ]
            )
        children.append(
            card.div(
                f"eco-amendements-{fold(statut)}",
                [
                    card.heading(f"{label} ({len(pages)})", 4),
                    card.bullet_list(items) if items else card.para(["Aucun."], "eco-vide"),
                ],
            )
        )
    if flaskg.user.valid and flaskg.user.may.read(position):
        children.append(
            card.para(
                [card.url_link(_url("new_amendment", sur=position), "Proposer un amendement")], "eco-ajouter"
            )
        )
    return card.div("eco-amendements", children)


def diff_lines(old: str, new: str) -> Any:
    """moin's text diff of two texts, each line marked as removed, added or kept (French legend)."""
    lines = text_diff(old.splitlines(), new.splitlines())
    if not lines:
        return card.para(["Aucune différence avec le texte actuel."], "eco-vide")
    rows = []
    for line in lines:
        mark, rest = line[:1], line[2:] if len(line) > 1 else ""
        if line.startswith("@@"):
            rows.append(card.span("eco-diff-position", [line.replace("@@", "").strip() + "\n"]))
        elif mark == "-":
            rows.append(card.span("eco-diff-retrait", ["− " + rest + "\n"]))
        elif mark == "+":
            rows.append(card.span("eco-diff-ajout", ["+ " + rest + "\n"]))
        else:
            rows.append(card.span("eco-diff-commun", ["  " + rest + "\n"]))
    legend = card.para(
        ["Lignes retirées du texte actuel : « − » ; lignes ajoutées par l'amendement : « + »."], "eco-aide"
    )
    return card.div("eco-diff", [legend, moin_page.blockcode(children=rows)])


def amendment(name: str) -> Any:
    """An amendment page's live part: its diff against the current text, staleness, the decision forms."""
    try:
        prop = debat.proposition(name)
    except debat.DebatError as exc:
        return card.para([str(exc)], "eco-vide")
    statut = prop.data.get("statut", "ouvert")
    children: list[Any] = []
    if prop.position is None:
        return card.para(["La position amendée est introuvable ou illisible."], "eco-vide")
    if statut == "ouvert" and prop.stale:
        children.append(
            moin_page.admonition(
                attrib={moin_page.type: "caution", moin_page.class_: "eco-perime"},
                children=[
                    card.para(
                        [
                            "Texte modifié depuis la proposition : la position a changé depuis la révision sur laquelle cet "
                            "amendement a été écrit. Il ne sera pas appliqué tel quel ; comparez et proposez-le de nouveau."
                        ]
                    )
                ],
            )
        )
    children.append(card.heading("Différences avec le texte actuel de la position", 3))
    children.append(diff_lines(prop.current_body, prop.proposed))
    if statut == "ouvert" and debat.may_decide(prop):
        if not prop.stale:
            children.append(
                _form(
                    route_url("ecossolies.ecossolies_debat.decide"),
                    {"amendement": name, "decision": "accepter"},
                    "Accepter et appliquer",
                    "eco-decider",
                )
            )
        reason = [
            html.label(attrib={html.for_: "eco-motif"}, children=["Motif du rejet"]),
            html.input(attrib={html.type: "text", html.name: "motif", html.id: "eco-motif"}),
        ]
        children.append(
            _form(
                route_url("ecossolies.ecossolies_debat.decide"),
                {"amendement": name, "decision": "rejeter"},
                "Rejeter",
                "eco-decider",
                reason,
            )
        )
    return card.div("eco-amendement-etat", children)


# -- a position's path ---------------------------------------------------------------------------------

#: revisions read at most to find the one that adopted a position (its history, oldest first)
MAX_REVISIONS = 200
ADOPTED = {fold(s) for s in ("adoptée", "transmise", "archivée")}


def _adoption_revision(item: Any) -> tuple[str, str] | None:
    """The first revision of a position whose status says adopted (or later), and its day: the step's link."""
    revs = sorted(item.iter_revs(), key=lambda r: r.meta.get(REV_NUMBER, 0))[:MAX_REVISIONS]
    for rev in revs:
        data = frontmatter.split(rev.data.read().decode("utf-8", "replace")).data or {}
        if isinstance(data, dict) and fold(str(data.get("statut", ""))) in ADOPTED:
            return rev.meta[REVID], debat.day(int(rev.meta.get(MTIME) or 0))
    return None



def path(position: str, title: str, statut: str, adoption: str) -> Any:
    """brouillon → en débat → adoptée → transmise → réponse, each step dated and linked when reached."""
    cible_item = flaskg.storage.get_item(name_exact=position)
    created = ""
    if cible_item:
        first = min(cible_item.iter_revs(), key=lambda d: d.meta.get("rev_number", 0), default=None)
        created = debat.day(int(first.meta.get("mtime") or 0)) if first is not None else ""
    debate = debat.pages_about("argument", position, title) + debat.pages_about("amendement", position, title)
    letters = debat.interpellations_about("positions", position, title)
    sent = sorted((p for p in letters if p.data.get("envoi")), key=lambda p: str(p.data["envoi"]))
    answered = sorted(
        (p for p in letters if (p.data.get("reponse") or {}).get("date")), key=lambda p: str(p.data["reponse"]["date"])
    )
    order = ("brouillon", "en débat", "adoptée", "transmise", "archivée")
    rank = order.index(statut) if statut in order else 0
    steps: list[tuple[str, str, Any]] = [
        ("brouillon", created, card.url_link(route_url("frontend.history", item_name=position), "historique") if created else None),
    ]
    if debate:
        first = min(debate, key=lambda p: p.mtime)
        steps.append(("en débat", debat.day(first.mtime), card.page_link(first.fullname, "premier apport")))
    else:
        steps.append(("en débat", "", None))
    adopted = _adoption_revision(cible_item) if cible_item and rank >= 2 else None
    adoption_link = (
        card.url_link(route_url("frontend.show_item", item_name=position, rev=adopted[0]), "version adoptée")
        if adopted
        else None
    )
    steps.append(("adoptée", (adoption or (adopted[1] if adopted else "")) if rank >= 2 else "", adoption_link))
    if sent:
        steps.append(("transmise", str(sent[0].data["envoi"]), card.page_link(sent[0].fullname, sent[0].title)))
    else:
        steps.append(("transmise", "", None))
    if answered:
        first_answer = answered[0]
        steps.append(
            (
                "réponse",
                str(first_answer.data["reponse"]["date"]),
                card.page_link(first_answer.fullname, first_answer.title),
            )
        )
    else:
        steps.append(("réponse", "", None))
    # a page written after the facts (imported, or seed content) has a creation date later than the steps
    # that follow: such a date says nothing of the path, it is left out
    later = ""
    for i in range(len(steps) - 1, -1, -1):
        label, when, link = steps[i]
        if when and later and when > later:
            steps[i] = (label, "", link)
        elif when:
            later = min(later, when) if later else when
    items = []
    for label, when, link in steps:
        reached = bool(when) or (label in order and rank >= order.index(label))
        content: list[Any] = [card.strong(label)]
        if when:
            content.append(f" — le {when}")
        elif not reached:
            content.append(" — à venir")
        if link is not None:
            content += [" · ", link]
        items.append(card.span("eco-etape-franchie" if reached else "eco-etape-a-venir", content))
    return card.div(
        "eco-parcours",
        [card.heading("Parcours de la position", 3), card.bullet_list(items, ordered=True, css="eco-parcours-etapes")],
    )


# -- interpellations -----------------------------------------------------------------------------------


def status_line(envoi: str, relances: str, reponse: str) -> Any:
    data: dict[str, Any] = {"envoi": envoi or None, "relances": [""] * int(relances) if relances.isdigit() else []}
    if reponse:
        data["reponse"] = {"date": reponse} if reponse != "oui" else {"texte": "oui"}
    state = etat(data)
    return card.para(
        ["Statut : ", card.span(f"eco-statut eco-statut-{fold(state.code).replace(' ', '-')}", [state.label])],
        "eco-etat-interpellation",
    )


def related(key: str, target: str, title: str) -> Any:
    """The interpellations that cite this position or scheme, with their status today."""
    found = sorted(debat.interpellations_about(key, target, title), key=lambda p: str(p.data.get("envoi", "")))
    if not found:
        return card.para(["Aucune interpellation ne cite encore cette page."], "eco-vide")
    return card.bullet_list(
        [
            [
                card.page_link(p.fullname, p.title),
                f" — {p.data.get('destinataire', '')} — ",
                card.span("eco-statut", [etat(p.data).label]),
            ]
            for p in found
        ],
        css="eco-interpellations-liees",
    )


def listing(pages: list[IndexedPage], delai: int = DELAI, today: datetime.date | None = None) -> Any:
    """The interpellations (already filtered for the reader) and the per-addressee record."""

    def cell(value: Any) -> Any:
        return moin_page.table_cell(children=[value])

    rows = []
    for p in sorted(pages, key=lambda p: (str(p.data.get("envoi", "")), fold(p.title)), reverse=True):
        state = etat(p.data, today, delai)
        rows.append(
            moin_page.table_row(
                children=[
                    cell(card.page_link(p.fullname, p.title)),
                    cell(str(p.data.get("destinataire", ""))),
                    cell(str(p.data.get("envoi", "—"))),
                    cell(state.label),
                    cell("—" if state.jours is None else str(state.jours)),
                ]
            )
        )
    head = ("Objet", "Destinataire", "Envoyée le", "Statut", "Jours d'attente")
    children: list[Any] = [card.para([f"{len(pages)} interpellation{'s' if len(pages) > 1 else ''}"], "eco-compte")]
    if not rows:
        children.append(card.para(["Aucune interpellation ne correspond à cette sélection."], "eco-vide"))
        return card.div("eco-interpellations", children)
    children.append(
        moin_page.table(
            attrib={moin_page.class_: "moin-sortable eco-interpellations-table"},
            children=[
                moin_page.table_header(children=[moin_page.table_row(children=[cell(h) for h in head])]),
                moin_page.table_body(children=rows),
            ],
        )
    )
    bilans = by_addressee((p.data for p in pages), today, delai)
    brows = []
    for b in bilans:
        part = "—" if b.part is None else numbers.percent(numbers.rate(b.repondues, b.envoyees))
        median = "—" if b.delai_median is None else f"{numbers.count(round(b.delai_median))} jours"
        brows.append(
            moin_page.table_row(
                children=[
                    cell(b.destinataire),
                    cell(str(b.envoyees)),
                    cell(str(b.repondues)),
                    cell(part),
                    cell(median),
                    cell(str(b.sans_reponse)),
                ]
            )
        )
    bhead = (
        "Destinataire",
        "Envoyées",
        "Répondues",
        "Part répondue",
        "Délai médian de réponse",
        f"Sans réponse après {delai} jours",
    )
    children.append(card.heading("Par destinataire", 3))
    children.append(
        moin_page.table(
            attrib={moin_page.class_: "eco-bilan-destinataires"},
            children=[
                moin_page.table_header(children=[moin_page.table_row(children=[cell(h) for h in bhead])]),
                moin_page.table_body(children=brows),
            ],
        )
    )
    return card.div("eco-interpellations", children)


def group_feed_link(group: str) -> Any:
    return card.url_link(
        _url("feed", groupe=group),
        "Suivre les débats du groupe (flux Atom)",
        css="eco-flux",
        mimetype="application/atom+xml",
    )
