"""One export path: every format of the registry behind ``/+donnees/<type>.<format>``, the Atom feed of every
listing among them, each answer for the current reader only."""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree import ElementTree

import icalendar

from tests.helpers import fiche

ATOM = "{http://www.w3.org/2005/Atom}"


def test_every_listing_has_an_atom_feed_latest_first_and_for_the_reader(wiki: Any, client: Any) -> None:
    wiki.save("Initiatives/Ancienne", fiche("Ancienne", commune="Rezé"))
    wiki.save("Initiatives/Récente", fiche("Récente", commune="Clisson"))
    wiki.save("Initiatives/Secrète", fiche("Secrète", commune="Rezé"), acl="All:")
    response = client.get("/+donnees/fiche.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(response.get_data())
    titles = [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")]
    assert titles == ["Récente", "Ancienne"]
    assert feed.find(f"{ATOM}title").text == "Fiches — Les Écossolies"
    narrowed = ElementTree.fromstring(client.get("/+donnees/fiche.atom?commune=Rezé").get_data())
    assert [e.find(f"{ATOM}title").text for e in narrowed.iter(f"{ATOM}entry")] == ["Ancienne"]


def test_the_binder_links_its_feed(wiki: Any, client: Any) -> None:
    wiki.save("Classeur", "<<Classeur>>\n")
    html = client.get("/Classeur").get_data(as_text=True)
    assert 'href="/+donnees/fiche.atom"' in html


def test_formats_apply_where_they_mean_something(wiki: Any, client: Any) -> None:
    soon = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    wiki.save("Agenda/Atelier", f"---\ntype: evenement\ntitre: Atelier vélo\ndebut: {soon} 18:00\ncommune: Nantes\n---\n")
    calendar = icalendar.Calendar.from_ical(client.get("/+donnees/evenement.ics").get_data())
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Atelier vélo"]
    assert client.get("/+donnees/fiche.ics").status_code == 404  # a fiche has no dates
    assert client.get("/+donnees/chaine.geojson").status_code == 404  # a chain has no place
    assert client.get("/+donnees/fiche.xlsx").status_code == 404
    csv = client.get("/+donnees/fiche.csv")
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset, once


def test_the_agenda_feed_is_the_registrys_ics_export_with_its_period(wiki: Any, client: Any) -> None:
    soon = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    wiki.save("Agenda/Atelier", f"---\ntype: evenement\ntitre: Atelier vélo\ndebut: {soon} 18:00\ncommune: Nantes\n---\n")
    wiki.save("Agenda/Ancien", "---\ntype: evenement\ntitre: Pique-nique\ndebut: 2025-06-01\ncommune: Rezé\n---\n")

    def summaries(path: str) -> list[str]:
        return [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(client.get(path).get_data()).walk("VEVENT")]

    assert summaries("/+agenda.ics") == summaries("/+donnees/evenement.ics") == ["Atelier vélo"]
    assert summaries("/+agenda.ics?periode=2025-06") == summaries("/+donnees/evenement.ics?periode=2025-06")
    assert summaries("/+agenda.ics?periode=2025-06") == ["Pique-nique"]
    assert summaries("/+agenda.ics?commune=Rezé&periode=passés") == ["Pique-nique"]
    assert client.get("/+agenda.ics").headers["Content-Disposition"] == 'inline; filename="agenda-ecossolies.ics"'
    refused = client.get("/+agenda.ics?periode=demain")
    assert refused.status_code == 400
    assert "« periode » inconnue « demain »" in refused.get_data(as_text=True)
