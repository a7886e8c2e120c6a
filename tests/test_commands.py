"""The documented commands on a real instance on disk: moin's CLI and ours, from the repository root."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    path = tmp_path_factory.mktemp("instance")
    env = dict(os.environ, ECOSSOLIES_INSTANCE=str(path), ECOSSOLIES_SECRET_KEY="cle-de-test-commandes")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        if check:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    run(f"{BIN}/moin", "index-create")
    run(sys.executable, "-m", "plugins.cli", "seed")
    return run, path


def test_seed_then_member_and_admin_accounts(instance):
    run, path = instance
    assert (path / "data").is_dir() and (path / "index-structure").is_dir()
    assert (
        "0 page(s) créée(s)" in run(sys.executable, "-m", "plugins.cli", "seed").stdout
    )  # nothing lost, nothing redone
    run(f"{BIN}/moin", "account-create", "-n", "Membre", "-e", "membre@exemple.org", "-p", "motdepasse-solide-2026")
    out = run(
        sys.executable,
        "-m",
        "plugins.cli",
        "admin",
        "-n",
        "Chef",
        "-e",
        "chef@exemple.org",
        "-p",
        "motdepasse-solide-2026",
    ).stdout
    assert "ajouté au groupe AdminGroup" in out
    check = run(sys.executable, "-m", "plugins.cli", "verifier-index")
    assert "0 périmé(s), 0 en trop" in check.stdout


def test_import_and_reindex_commands(instance, tmp_path):
    run, _ = instance
    good = tmp_path / "ok.csv"
    good.write_text("nom;commune\nImportée;Vertou\n", encoding="utf-8")
    bad = tmp_path / "ko.csv"
    bad.write_text("nom;commune\nBonne;Nantes\nMauvaise;Nulle-Part\n", encoding="utf-8")
    refused = run(sys.executable, "-m", "plugins.cli", "import-fiches", str(bad), check=False)
    assert refused.returncode == 1 and "rien n'a été écrit" in refused.stderr and "ligne 3" in refused.stderr
    assert "1 fiche(s) créées" in run(sys.executable, "-m", "plugins.cli", "import-fiches", str(good)).stdout
    assert "0 fiche(s) créées" in run(sys.executable, "-m", "plugins.cli", "import-fiches", str(good)).stdout
    assert "reconstruit" in run(sys.executable, "-m", "plugins.cli", "reindex").stdout
    assert "0 périmé(s)" in run(sys.executable, "-m", "plugins.cli", "verifier-index").stdout
