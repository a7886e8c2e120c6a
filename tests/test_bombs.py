"""YAML and CSV bombs are refused within bounds of time and memory, with a clear French message.

The bounds (5 s, 200 MB) are generous safety bounds, not speed benchmarks: a bomb that got through would take
minutes or gigabytes.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from plugins.data import frontmatter
from plugins.operations import bulk
from tests.helpers import content, login, modify

SECONDS = 5
MEGABYTES = 200


def bounded(fn: Callable[[], Any]) -> Any:
    """Run fn; assert it took less than SECONDS and allocated less than MEGABYTES at its peak."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = fn()
    finally:
        elapsed = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < SECONDS, f"{elapsed:.1f} s"
    assert peak < MEGABYTES * 1024 * 1024, f"{peak / 1024 / 1024:.0f} Mo"
    return result


def laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines)


YAML_BOMBS = {
    "milliard de rires (alias)": (laughs(), "alias YAML"),
    "fusion d'alias": ("base: &b {nom: x}\nautre:\n  <<: *b\n", "alias YAML"),
    "imbrication profonde (crochets)": ("nom: " + "[" * 20000 + "]" * 20000, "trop imbriqué"),
    "imbrication profonde (retraits)": ("\n".join("  " * i + f"k{i}:" for i in range(1500)) + " 1", "trop"),
    "imbrication modérée": ("nom: " + "[" * 40 + "1" + "]" * 40, "trop imbriqué"),
    "scalaire énorme": ("nom: " + "x" * (20 * 1024 * 1024), "trop grand"),
    "beaucoup de champs": ("\n".join(f"k{i}: {i}" for i in range(6000)), "trop grand"),
    "liste immense": ("nom: [" + ",".join("1" for _ in range(30000)) + "]", "trop grand"),
    "nombre géant": ("nom: " + "9" * 60000, "nombre trop long"),
    "entier de 5000 chiffres": ("creation: " + "9" * 5000, "nombre trop long"),
    "étiquette python": ('nom: !!python/object/apply:os.system ["echo pirate"]', "étiquettes YAML"),
}


@pytest.mark.parametrize("case", sorted(YAML_BOMBS))
def test_yaml_bomb_is_refused_in_bounded_time_and_memory(case: str) -> None:
    block, expected = YAML_BOMBS[case]
    text = f"---\ntype: fiche\n{block}\n---\nTEXTE-INTACT\n"
    result = bounded(lambda: frontmatter.split(text))
    assert result.data is None and result.problems, case
    message = " ".join(str(p) for p in result.problems)
    assert expected in message, message
    assert "TEXTE-INTACT" in result.body


def test_block_never_closed_keeps_the_text() -> None:
    text = "---\ntype: fiche\n" + "nom: x\n" * 100_000 + "TEXTE-INTACT\n"
    result = bounded(lambda: frontmatter.split(text))
    assert result.data is None and "pas fermé" in str(result.problems[0]) and "TEXTE-INTACT" in result.body


def test_yaml_bomb_saved_in_a_page_renders_with_the_french_message(wiki: Any, client: Any) -> None:
    wiki.create_user("Alice")
    login(client, "Alice")
    assert modify(client, "Bombe", f"---\ntype: fiche\n{laughs()}\n---\nTEXTE-INTACT\n").status_code == 302
    start = time.perf_counter()
    html = content(client, "/Bombe")
    assert time.perf_counter() - start < SECONDS
    assert "alias YAML" in html and "TEXTE-INTACT" in html


def write(tmp_path: Any, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def csv_bombs(tmp_path: Any) -> dict[str, tuple[str, str]]:
    return {
        "cellule énorme": (write(tmp_path, "a.csv", "nom;resume\nX;" + "x" * (10 * 1024 * 1024) + "\n"), "cellule trop longue"),
        "guillemets jamais fermés": (write(tmp_path, "b.csv", 'nom;resume\nX;"' + "abc;\n" * 500_000), "guillemets jamais fermés"),
        "million de colonnes": (write(tmp_path, "c.csv", "nom;" + ";".join(f"c{i}" for i in range(1_000_000)) + "\nX\n"), "première ligne trop longue"),
        "beaucoup de colonnes": (write(tmp_path, "d.csv", "nom;" + ";".join(f"c{i}" for i in range(500)) + "\nX\n"), "trop de colonnes"),
        "million de cellules": (write(tmp_path, "e.csv", "nom;resume\nX;" + ";".join("y" for _ in range(1_000_000)) + "\n"), "plus de cellules que de colonnes"),
        "des millions de lignes": (write(tmp_path, "f.csv", "nom\n" + "".join(f"N{i}\n" for i in range(2_000_000))), "trop de lignes"),
        "caractère nul": (write(tmp_path, "g.csv", "nom;resume\nX;a\x00b\n"), "caractère de contrôle"),
        "pas de colonne nom": (write(tmp_path, "h.csv", "a;b\n1;2\n"), "« nom »"),
        "trop gros": (str(tmp_path / "i.csv"), "trop gros"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "cellule énorme",
        "guillemets jamais fermés",
        "million de colonnes",
        "beaucoup de colonnes",
        "million de cellules",
        "des millions de lignes",
        "caractère nul",
        "pas de colonne nom",
        "trop gros",
    ],
)
def test_csv_bomb_is_refused_in_bounded_time_and_memory(case: str, tmp_path: Any, monkeypatch: Any) -> None:
    path, expected = csv_bombs(tmp_path)[case]
    if case == "trop gros":
        with open(path, "wb") as f:  # a sparse file: big on the scale, nothing on the disk
            f.truncate(bulk.MAX_FILE_BYTES + 1)
    with pytest.raises(bulk.ImportRefused) as refused:
        bounded(lambda: bulk.read_csv(path, "Initiatives/"))
    message = str(refused.value)
    assert expected in message, message[:300]
    assert len(message) < 200_000  # the report stays readable (errors are capped)
