"""The structured index against the storage, seed content, admin accounts and bulk import."""

from __future__ import annotations

import re

import pytest

from plugins.indexing.structured import get_index
from plugins.operations.bulk import ImportRefused, import_fiches, read_source
from plugins.operations.cli import SEED_DIR
from plugins.operations.seed import load_seed, seed_entries
from tests.helpers import content, fiche


def test_rebuild_equals_incremental_index(wiki, app):
    for i in range(5):
        wiki.save(f"F{i}", fiche(f"F{i}", commune="Nantes"))
    wiki.save("Plain", "texte\n")
    index = get_index(app)
    with app.app_context():
        before = index.ours()
        assert before == index.moin_latest()
        types_before = {p.itemid: (p.type, p.data) for p in index}
        index.rebuild()
        assert index.ours() == before
        assert {p.itemid: (p.type, p.data) for p in index} == types_before


def test_verify_repairs_an_index_left_behind_by_a_crash(wiki, app, client):
    wiki.save("A", fiche("Alpha"))
    wiki.save("B", fiche("Bêta"))
    wiki.save("Liste", "<<Classeur>>\n")
    index = get_index(app)
    with app.app_context():
        victim = next(p.itemid for p in index if p.title == "Bêta")
        index._write(lambda w: w.delete_by_term("itemid", victim))  # as if a crash lost this write
        counts = index.verify(repair=False)
        assert counts["perimees"] == 1
        # a new process checks the index when it first uses it, and repairs it
        app.extensions.pop("ecossolies_index")
        assert "Bêta" in content(client, "/Liste")
        assert get_index(app).verify(repair=False)["perimees"] == 0


def test_seed_content_loads_once_and_renders(app, client):
    with app.app_context():
        created = load_seed(app, SEED_DIR)
        assert len(created) == len(seed_entries(SEED_DIR))
        assert load_seed(app, SEED_DIR) == []  # a second run creates nothing
    home = client.get("/").get_data(as_text=True)
    assert client.get("/").status_code in (200, 302)
    home = content(client, "/Accueil")
    for section in ("Initiatives", "Chaînes", "Lieux", "Dispositifs", "Financements", "Positions", "Agenda"):
        assert section in home
    help_page = content(client, "/Écrire une page structurée")
    assert "bloc de données" in help_page and "porteurs" in help_page
    binder = content(client, "/Initiatives")
    assert "8 fiches" in binder and "données à corriger" not in binder  # the model is not listed
    assert "&lt;&lt;Classeur&gt;&gt;" in content(client, "/Aide")  # macro manual generated from docstrings
    for p in get_index(app):
        assert not p.problems, (p.name, p.problems)
    chains = content(client, "/Chaînes")
    for chain in ("La chaîne du libre", "La chaîne de la récup", "La chaîne du bien manger"):
        assert chain in chains.replace("&#39;", "'")
    venues = content(client, "/Lieux")
    assert "15 lieux sur la carte" in venues
    assert len({p.data["commune"] for p in get_index(app).pages("lieu")}) >= 5
    positions = content(client, "/Positions")
    assert "Pour un pass culture qui aille vers les jeunes" in positions and "brouillon d" not in positions
    scheme = content(client, "/Dispositifs/Pass Culture et Sport (exemple)").replace("\u202f", " ")
    assert "24,7 %" in scheme and "Pour un pass culture qui aille vers les jeunes" in scheme
    recup = content(client, "/Chaînes/La chaîne de la récup'")
    assert "La Ressourcerie de l" in recup and "maillon manquant" in recup


def test_admin_joins_admin_group_and_may_set_acls(app, wiki):
    from plugins.operations.accounts import group_members, make_admin

    with app.app_context():
        load_seed(app, SEED_DIR)
        assert "Claire" in make_admin(app, "Claire", "claire@exemple.org", "motdepasse-solide-2026")
        assert group_members(app, "AdminGroup") == ["Claire"]
        assert "déjà" in make_admin(app, "Claire", "claire@exemple.org", "motdepasse-solide-2026")
        assert group_members(app, "AdminGroup") == ["Claire"]
    wiki.save_as("Claire", "Restreinte", fiche("R"), acl="Claire:read,write All:")  # needs the admin right
    wiki.create_user("Denis")
    from moin.storage.middleware.exceptions import AccessDenied

    with pytest.raises(AccessDenied):
        wiki.save_as("Denis", "Autre", fiche("A"), acl="All:")  # a member may not set ACLs
    with pytest.raises(AccessDenied):  # nor add himself to the admin group
        wiki.save_as("Denis", "AdminGroup", "moi aussi\n")


CSV_OK = """nom;commune;secteurs;email;creation;parcours;texte
Atelier Vélo;Rezé;"Mobilité; Récup";velo@exemple.org;2015;"2015: création; 2018: local";Le texte libre
Cantine;nantes;Alimentation;;2020;;
"""

CSV_BAD = """nom;commune;secteurs;creation;couleur
Bonne;Nantes;Culture;2001;
;Nantes;Culture;2001;
Mauvaise;Atlantis;Culture;jadis;bleu
"""


def write(tmp_path, text: str, name: str = "fiches.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_csv_creates_fiches_and_is_idempotent(app, tmp_path, client):
    pages = read_source(write(tmp_path, CSV_OK), "Initiatives/")
    with app.app_context():
        assert sorted(import_fiches(app, pages)) == ["Initiatives/Atelier Vélo", "Initiatives/Cantine"]
        assert import_fiches(app, read_source(write(tmp_path, CSV_OK), "Initiatives/")) == []  # same file: no change
    html = content(client, "/Initiatives/Atelier Vélo")
    assert "Rezé" in html and "velo@exemple.org" in html and "Le texte libre" in html and "2018" in html
    with app.app_context():
        assert get_index(app).verify(repair=False)["perimees"] == 0


def test_import_refuses_whole_file_and_reports_each_bad_row(app, tmp_path):
    with pytest.raises(ImportRefused) as refused:
        read_source(write(tmp_path, CSV_BAD), "Initiatives/")
    rows = "\n".join(refused.value.rows)
    assert "ligne 3" in rows and "« nom »" in rows
    assert "ligne 4" in rows and "commune inconnue" in rows and "« creation »" in rows
    assert "colonne inconnue « couleur »" in rows
    assert "ligne 2" not in rows
    with app.app_context():
        assert not app.storage.has_item("Initiatives/Bonne")  # a refused file writes nothing, not even its good rows


def test_import_refuses_conflicting_existing_page(app, tmp_path, wiki):
    wiki.save("Initiatives/Cantine", fiche("Cantine", commune="Rezé"))
    with app.app_context(), pytest.raises(ImportRefused) as refused:
        import_fiches(app, read_source(write(tmp_path, CSV_OK), "Initiatives/"))
    assert "existe déjà" in str(refused.value)
    with app.app_context():
        assert not app.storage.has_item("Initiatives/Atelier Vélo")


def test_import_folder_and_duplicates(app, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "Une.moin").write_text(fiche("Une"), encoding="utf-8")
    (folder / "Deux.md").write_text("pas une fiche\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        read_source(str(folder), "I/")
    assert re.search(r"Deux\.md : ce n'est pas une fiche", str(refused.value))
    with pytest.raises(ImportRefused, match="doublon"):
        read_source(write(tmp_path, "nom\nA\nA\n"), "I/")
