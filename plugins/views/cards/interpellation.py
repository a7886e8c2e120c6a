"""How an interpellation page is shown: its card (on the page) and its summary (in listings)."""

from __future__ import annotations

from typing import Any

from plugins.data.frontmatter import Probleme
from plugins.data.registry import Record
from plugins.views import card
from plugins.views.cards.sections import section


def summary(data: dict[str, Any]) -> list[Any]:
    details = [x for x in (data.get("destinataire"), data.get("envoi") and f"envoyée le {data['envoi']}") if x]
    return [card.span("eco-details", [" — " + " · ".join(details)])] if details else []


def render(record: Record, problems: list[Probleme]) -> Any:
    d = record.data
    reponse = d.get("reponse") or {}
    children: list[Any] = [card.problems_box(problems)] if problems else []
    children.append(card.header("Interpellation", d.get("objet") or "(sans objet)", (d.get("destinataire"),)))
    # the status depends on today: computed when shown, never cached with the revision
    children += section("état de l'interpellation", d)
    entries: list[tuple[str, list[Any]]] = [("Destinataire", [d.get("destinataire", "")])]
    if d.get("groupe"):
        entries.append(("Groupe de travail", [card.page_link(f"GroupesDeTravail/{d['groupe']}", d["groupe"])]))
    entries.append(("Envoyée le", [d.get("envoi", "pas encore envoyée")]))
    if d.get("relances"):
        entries.append(("Relances", card.joined(d["relances"])))
    if d.get("positions"):
        entries.append(("Positions", card.joined([card.page_link(p) for p in d["positions"]])))
    if d.get("dispositifs"):
        entries.append(("Dispositifs", card.joined([card.page_link(p) for p in d["dispositifs"]])))
    if d.get("lettre"):
        entries.append(("Lettre", [card.page_link(d["lettre"])]))
    children.append(card.definition_list(entries))
    if reponse:
        children.append(card.heading("Réponse", 3))
        answer: list[Any] = []
        if reponse.get("date"):
            answer.append(card.para([f"Reçue le {reponse['date']}."]))
        if reponse.get("texte"):
            answer.append(card.para([reponse["texte"]], "eco-reponse-texte"))
        if reponse.get("fichier"):
            answer.append(card.para(["Fichier : ", card.page_link(reponse["fichier"])]))
        children.append(card.div("eco-reponse", answer))
    return card.div("eco-carte eco-interpellation", children)
