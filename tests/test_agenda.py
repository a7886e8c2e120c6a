"""The agenda: dates in French, recurring events written once, iCalendar valid across daylight saving."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar

from plugins.data.types.evenement import occurrences
from plugins.indexing import agenda
from tests.helpers import content

PARIS = ZoneInfo("Europe/Paris")


def event(titre: str, **fields: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in fields.items())
    return f"---\ntype: evenement\ntitre: {titre}\n{extra}---\nTexte de {titre}.\n"


def test_recurring_event_written_once_keeps_its_local_hour_across_dst():
    data = {
        "debut": "2026-03-22T10:00",
        "fin": "2026-03-22T12:00",
        "repetition": "chaque dimanche",
        "jusqu_au": "2026-04-05",
    }
    found = occurrences(data, dt.datetime(2026, 1, 1, tzinfo=PARIS), dt.datetime(2027, 1, 1, tzinfo=PARIS))
    assert [o[0].strftime("%d %H:%M") for o in found] == ["22 10:00", "29 10:00", "05 10:00"]
    utc = [o[0].astimezone(dt.UTC).strftime("%H:%M") for o in found]
    assert utc == ["09:00", "08:00", "08:00"]  # winter time, then summer time from 29 March 2026
    monthly = occurrences(
        {"debut": "2026-12-01T18:30", "repetition": "chaque premier mardi du mois", "jusqu_au": "2027-03-31"},
        dt.datetime(2026, 1, 1, tzinfo=PARIS),
        dt.datetime(2028, 1, 1, tzinfo=PARIS),
    )
    assert [o[0].date().isoformat() for o in monthly] == ["2026-12-01", "2027-01-05", "2027-02-02", "2027-03-02"]


def test_ical_feed_parses_and_has_right_utc_times(wiki, client):
    wiki.save("E1", event("Printemps", debut="2027-03-28 10:00", fin="2027-03-28 12:00"))  # DST day 2027
    wiki.save("E2", event("Hiver", debut="2027-01-10 10:00"))
    wiki.save("E3", event("Journée; entière, avec virgule", debut="2027-02-01"))
    wiki.save("E4", event("Secret", debut="2027-02-02 10:00"), acl="All:")
    wiki.save("A", "<<Agenda>>\n")
    html = content(client, "/A")
    link = re.search(r'href="([^"]+)" type="text/calendar"', html).group(1)
    response = client.get(link.replace("&amp;", "&"))
    assert response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.get_data())
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Printemps", "Hiver", "Journée; entière, avec virgule"}  # no restricted event
    assert events["Printemps"]["DTSTART"].dt == dt.datetime(2027, 3, 28, 8, 0, tzinfo=dt.UTC)  # 10:00 CEST
    assert events["Hiver"]["DTSTART"].dt == dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC)  # 10:00 CET
    assert events["Journée; entière, avec virgule"]["DTSTART"].dt == dt.date(2027, 2, 1)
    assert all(len(line.encode()) <= 75 for line in response.get_data(as_text=True).split("\r\n"))


def test_agenda_lists_by_date_in_french_with_month_view_and_filters(wiki, client):
    wiki.save("Lieux/H", "---\ntype: lieu\nnom: Le Hangar\ncommune: Rezé\n---\n")
    wiki.save(
        "E1",
        event(
            "Atelier",
            categorie="atelier",
            debut="2027-03-02 18:30",
            repetition="chaque premier mardi du mois",
            jusqu_au="2027-05-31",
            lieu="Le Hangar",
        ),
    )
    wiki.save("E2", event("Pique-nique", categorie="pique-nique", debut="2027-03-14"))
    wiki.save("M", '<<Agenda(periode="2027-03")>>\n')
    html = content(client, "/M")
    assert "mardi 2 mars 2027 à 18 h 30" in html and "dimanche 14 mars 2027" in html
    assert 'class="eco-mois"' in html and "2 dates (mars 2027)" in html
    only = content(client, "/M?categorie=atelier")
    assert "Pique-nique" not in only and "Atelier" in only
    page = content(client, "/E1")
    assert "Le Hangar</a> (Rezé)" in page and "chaque premier mardi du mois" in page
    wiki.save("Bad", '<<Agenda(periode="bientôt")>>\n')
    assert "« periode » inconnue « bientôt »" in content(client, "/Bad")


def test_past_and_future_are_told(wiki, client):
    wiki.save("Old", event("Ancien", debut="2020-05-05 10:00"))
    wiki.save("New", event("Futur", debut="2099-05-05 10:00"))
    assert "Passé" in content(client, "/Old") and "À venir" in content(client, "/New")


def test_bad_event_input(wiki, client):
    wiki.save("B1", event("Fin avant", debut="2027-03-02 18:30", fin="2027-03-01 10:00"))
    assert "la fin (2027-03-01T10:00) est avant le début" in content(client, "/B1")
    wiki.save("B2", event("Date", debut="2027-02-30 10:00"))
    assert "la date « 2027-02-30 10:00 » n&#39;existe pas" in content(
        client, "/B2"
    ) or "la date « 2027-02-30 10:00 » n'existe pas" in content(client, "/B2")
    wiki.save("B3", event("Lieu", debut="2027-03-02 18:30", lieu="Château imaginaire"))
    assert "lieu inconnu « Château imaginaire »" in content(client, "/B3")
    wiki.save("B4", event("Rép", debut="2027-03-02 18:30", repetition="de temps en temps"))
    assert "répétition incomprise" in content(client, "/B4") and "Texte de Rép." in content(client, "/B4")


def test_events_on_the_map_at_their_venue(wiki, client):
    wiki.save("Lieux/H", "---\ntype: lieu\nnom: Le Hangar\ncommune: Rezé\nposition: {lat: 47.19, lon: -1.58}\n---\n")
    wiki.save("E", event("Concert", debut="2027-03-02 20:00", lieu="Le Hangar"))
    wiki.save("C", '<<Carte(type="evenement")>>\n')
    assert "1 événement sur la carte." in content(client, "/C")
    doc = client.get("/+carte/evenement").get_data(as_text=True)
    assert "47.19" in doc and "Concert" in doc


def test_windows():
    now = dt.datetime(2026, 11, 29, 12, tzinfo=PARIS)
    assert agenda.window("à venir", now)[0] == now
    start, end, label = agenda.window("2026-12", now)
    assert (start.day, end.month, label) == (1, 1, "décembre 2026")


def test_month_navigation_and_past_events_stay_past_with_a_month_chosen(wiki, client):
    """The agenda page: ?periode=AAAA-MM shows that month with previous/next links; « passés » stays past."""
    import datetime as dt

    recent = (dt.date.today() - dt.timedelta(days=100)).isoformat()
    wiki.save("Old", event("Ancien atelier", debut=f"{recent} 10:00"))
    wiki.save("New", event("Futur débat", debut="2099-03-10 18:00"))
    wiki.save("A", '<<Agenda>>\n\n== Événements passés ==\n<<Agenda(periode="passés")>>\n')
    html = content(client, "/A?periode=2099-03")
    upcoming, past = html.split("Événements passés", 1)
    assert "1 date (mars 2099)" in upcoming and "Futur débat" in upcoming
    assert 'href="/A?periode=2099-02"' in upcoming and "← février 2099" in upcoming
    assert 'href="/A?periode=2099-04"' in upcoming and "avril 2099 →" in upcoming
    assert "Futur débat" not in past
    assert "Ancien atelier" in past
    assert "1 date (passés)" in past
    assert "← " not in past  # the written « passés » agenda has no month navigation
    assert "Les heures sont celles de Paris." in upcoming
    first = content(client, "/A")
    assert "Voir mois par mois (calendrier)" in first.split("Événements passés", 1)[0]
