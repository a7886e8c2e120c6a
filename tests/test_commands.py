"""The documented commands on a real instance on disk: moin's CLI and ours, and backup / restore.

moin's index commands look for ``wiki/index`` under the current directory, so each instance here is laid out
as the real one: ``<dir>/wiki``, commands run from ``<dir>`` with ``MOINCFG`` pointing at our wikiconfig.py.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
PY = [sys.executable, "-m", "plugins.operations.cli"]


def instance_runner(base):
    env = dict(
        os.environ,
        MOINCFG=os.path.join(ROOT, "wikiconfig.py"),
        ECOSSOLIES_INSTANCE=str(base / "wiki"),
        ECOSSOLIES_SECRET_KEY="cle-de-test-commandes",
        PYTHONPATH=ROOT,
    )

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(args, cwd=base, env=env, capture_output=True, text=True, timeout=300)
        if check:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    return run


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    base = tmp_path_factory.mktemp("instance")
    run = instance_runner(base)
    run(f"{BIN}/moin", "index-create")
    run(*PY, "seed")
    return run, base


def test_seed_then_member_and_admin_accounts(instance):
    run, base = instance
    assert (base / "wiki" / "data").is_dir() and (base / "wiki" / "index-structure").is_dir()
    assert "0 page(s) créée(s)" in run(*PY, "seed").stdout  # nothing lost, nothing redone
    run(f"{BIN}/moin", "account-create", "-n", "Membre", "-e", "membre@exemple.org", "-p", "motdepasse-solide-2026")
    out = run(*PY, "admin", "-n", "Chef", "-e", "chef@exemple.org", "-p", "motdepasse-solide-2026").stdout
    assert "ajouté au groupe AdminGroup" in out
    assert "0 périmé(s), 0 en trop" in run(*PY, "verifier-index").stdout


def test_preparing_production_renews_the_public_cache(instance):
    """New code may answer differently: ``make serve`` starts with no public answer of the code before."""
    run, base = instance
    token = base / "wiki" / ".generation-publique"
    before = token.read_bytes() if token.exists() else b""
    out = run(*PY, "preparer-production").stdout
    assert "Cache des pages publiques : renouvelé." in out
    after = token.read_bytes()
    assert after[:8] != before[:8]  # the token every answer depends on
    assert len(after) == 4096 * 8


def test_import_and_reindex_commands(instance, tmp_path):
    run, _ = instance
    good = tmp_path / "ok.csv"
    good.write_text("nom;commune\nImportée;Vertou\n", encoding="utf-8")
    bad = tmp_path / "ko.csv"
    bad.write_text("nom;commune\nBonne;Nantes\nMauvaise;Nulle-Part\n", encoding="utf-8")
    refused = run(*PY, "import-fiches", str(bad), check=False)
    assert refused.returncode == 1 and "rien n'a été écrit" in refused.stderr and "ligne 3" in refused.stderr
    assert "1 fiche(s) créées" in run(*PY, "import-fiches", str(good)).stdout
    assert "0 fiche(s) créées" in run(*PY, "import-fiches", str(good)).stdout
    assert "reconstruit" in run(*PY, "reindex").stdout
    assert "0 périmé(s)" in run(*PY, "verifier-index").stdout


def test_backup_and_restore_round_trip(instance, tmp_path_factory):
    run, base = instance
    run(*PY, "groupe", "--nom", "Sauvegarde", "--membres", "Membre")  # a second revision of some pages
    backup = base / "sauvegarde.moin"
    assert "révision(s) dans" in run(*PY, "sauvegarder", str(backup)).stdout
    fresh = tmp_path_factory.mktemp("restauration")
    restore = instance_runner(fresh)
    restore(f"{BIN}/moin", "index-create")
    assert "index reconstruits" in restore(*PY, "restaurer", str(backup)).stdout
    # every page, every revision (name, metadata, text) and every listing is the same
    assert restore(sys.executable, "-c", DIGEST).stdout == run(sys.executable, "-c", DIGEST).stdout
    listing = restore(sys.executable, "-c", LIST_FICHES).stdout
    assert listing == run(sys.executable, "-c", LIST_FICHES).stdout and "La Ressourcerie de l'Île" in listing
    assert "0 périmé(s), 0 en trop" in restore(*PY, "verifier-index").stdout
    # restoring over a wiki that has pages is refused, and changes nothing
    again = restore(*PY, "restaurer", str(backup), check=False)
    assert again.returncode != 0 and "contient déjà des pages" in again.stderr


DIGEST = """
import hashlib
from plugins.operations.cli import make_app, wiki_context
app = make_app()
with wiki_context(app):
    lines = []
    for backend_name, revid in app.storage.backend:
        meta, data = app.storage.backend.retrieve(backend_name, revid)
        keep = {k: meta.get(k) for k in ("name", "namespace", "rev_number", "comment", "acl", "contenttype", "mtime")}
        lines.append(f"{revid} {sorted(keep.items())} {hashlib.sha256(data.read()).hexdigest()}")
        data.close()
    print(len(lines))
    print("\\n".join(sorted(lines)))
"""


LIST_FICHES = """
from plugins.operations.cli import make_app, wiki_context
from plugins.indexing.structured import get_index
app = make_app()
with wiki_context(app):
    print("\\n".join(sorted(f"{p.title} {p.revid} {p.facets}" for p in get_index(app).pages("fiche"))))
"""
