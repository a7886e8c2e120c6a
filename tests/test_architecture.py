"""The rooms of plugins/ and the rules between them, read from the imports (``ast``): a broken rule fails here.

- the data layer (``plugins/data``) imports neither Flask, nor moin's DOM (``moin.utils.tree``), nor the views
  or the web side, and names no macro;
- the views (``plugins/views``, and the subsidies' views and charts) never import the web side;
- nothing imports ``macros/`` (moin loads them as plugins);
- every import sits at the top of its module, unless a comment on its line or the line above says why.
"""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"
VIEWS = ("plugins.views", "plugins.subventions.views", "plugins.subventions.charts")
WEB = ("plugins.web", "plugins.subventions.web")
MACRO_NAMES = sorted(p.stem for p in (ROOT / "macros").glob("[A-Z]*.py"))


def module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(folder: pathlib.Path = PLUGINS) -> list[pathlib.Path]:
    return sorted(folder.rglob("*.py"))


def imports(path: pathlib.Path) -> list[tuple[str, int]]:
    """Every module a file imports (``from a import b`` counts as ``a`` and ``a.b``), with its line."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def broken(paths: list[pathlib.Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in paths
        for name, line in imports(path)
        if within(name, forbidden)
    ]


def test_the_rooms_exist_and_plugins_holds_only_packages() -> None:
    rooms = sorted(p.name for p in PLUGINS.iterdir() if (p / "__init__.py").is_file())
    assert rooms == ["data", "indexing", "operations", "subventions", "views", "web"]
    assert sorted(p.name for p in PLUGINS.glob("*.py")) == ["__init__.py"]


def test_the_data_layer_knows_no_flask_no_dom_no_views_no_web() -> None:
    data = modules(PLUGINS / "data")
    assert data, "no data modules found"
    assert broken(data, ("flask", "moin.utils.tree", "moin.themes", *VIEWS, *WEB, "plugins.operations", "macros")) == []


def code_strings(path: pathlib.Path) -> list[str]:
    """The string constants of a module's code, docstrings left out (they may speak of a macro)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_the_data_layer_names_no_macro() -> None:
    # a macro is named by a call: ``<<Name(…)>>`` in a text (``macro_call`` is in the views, which data cannot import)
    call = re.compile(r"<<(" + "|".join(MACRO_NAMES) + r")\b")
    named = [
        f"{path.relative_to(ROOT)} names the macro {text}"
        for path in modules(PLUGINS / "data")
        for text in code_strings(path)
        if call.search(text)
    ]
    assert named == []


def test_views_never_import_the_web_side() -> None:
    views = [p for p in modules() if within(module_name(p), VIEWS)]
    assert len(views) >= 10
    assert broken(views, WEB) == []


def test_nothing_imports_macros() -> None:
    everything = modules() + modules(ROOT / "tests") + modules(ROOT / "macros") + [ROOT / "wikiconfig.py"]
    assert broken(everything, ("macros",)) == []


def test_every_import_is_at_the_top_unless_a_comment_says_why() -> None:
    late: list[str] = []
    for path in modules() + modules(ROOT / "macros"):
        lines = path.read_text(encoding="utf-8").split("\n")
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for sub in ast.walk(node):
                    if isinstance(sub, (ast.Import, ast.ImportFrom)):
                        here, above = lines[sub.lineno - 1], lines[sub.lineno - 2].strip()
                        if "#" not in here and not above.startswith("#"):
                            late.append(f"{path.relative_to(ROOT)}:{sub.lineno}: {here.strip()}")
    assert late == []


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_says_why_it_exists(path: pathlib.Path) -> None:
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path} has no docstring"


def test_every_card_section_named_by_a_type_has_a_renderer_and_none_is_orphan() -> None:
    from plugins.data import registry  # the page types, loaded by the registry
    from plugins.views.cards.sections import SECTIONS

    declared = {
        name
        for page_type in registry.types().values()
        for name in (*page_type.sections, *page_type.footer_sections)
    }
    assert declared == set(SECTIONS)


def test_caches_are_made_with_the_one_helper() -> None:
    """No module keeps its own least-recently-used dictionary: each cache is a BoundedCache with an owner and
    a bound (the anonymous page cache, bounded in bytes, is the one exception)."""
    hand_written = [
        path.relative_to(ROOT).as_posix()
        for path in modules()
        if "popitem(last=False)" in path.read_text(encoding="utf-8")
    ]
    assert hand_written == ["plugins/data/caches.py", "plugins/web/public_cache.py"]


def test_a_bounded_cache_keeps_its_bound_and_the_most_recently_read() -> None:
    from plugins.data.caches import BoundedCache, caches

    cache: BoundedCache[str, int] = BoundedCache("tests", 2, "essai")
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" read: "b" is now the oldest
    assert cache.remember("c", lambda: 3) == 3
    assert (cache.get("a"), cache.get("b"), cache.get("c"), len(cache)) == (1, None, 3, 2)
    assert cache.remember("a", lambda: 99) == 1  # kept, not computed again
    assert cache.setdefault("d", dict) == {}
    assert cache in caches()
    owners = {c.owner for c in caches()}
    assert {"plugins.indexing.query", "plugins.indexing.search", "plugins.subventions.store"} <= owners


def test_a_cache_bounded_in_bytes_drops_the_least_recently_read_until_it_fits() -> None:
    from plugins.data.caches import BoundedCache

    cache: BoundedCache[str, bytes] = BoundedCache("tests", 100, "essai", weigh=len, budget=10)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    assert cache.get("a") == b"1234"  # "a" read: "b" is now the oldest
    cache.put("c", b"123")  # 11 bytes: "b" goes
    assert (cache.get("a"), cache.get("b"), cache.get("c"), cache.weight) == (b"1234", None, b"123", 7)
    cache.put("a", b"12345678")  # replaced: its old weight is taken off, then "c" goes
    assert (cache.get("a"), cache.get("c"), cache.weight) == (b"12345678", None, 8)
    cache.put("d", b"12345678901")  # larger than the budget: nothing else can stay
    assert (len(cache), cache.weight) == (0, 0)
    cache.put("e", b"12")
    cache.clear()
    assert (len(cache), cache.weight) == (0, 0)


def test_the_locale_and_time_zone_are_written_once() -> None:
    """Dates and numbers go through plugins/data/french.py, which takes the wiki's configured locale and zone."""
    pattern = re.compile(r"""Europe/Paris|locale=["']fr""")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in (PLUGINS, ROOT / "macros")
        for path in modules(folder)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and not line.lstrip().startswith("#") and path.name != "french.py"
    ]
    assert found == []


def test_links_to_our_routes_are_built_by_flask_not_written_by_hand() -> None:
    """Views and macros link to routes through ``route_url`` (url_for): no "/+…" path written as a string,
    except the static files moin serves under /+serve/."""
    literal = re.compile(r"""["']/\+(?!serve/)[a-z]""")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in [*modules(PLUGINS / "views"), PLUGINS / "subventions" / "views.py", *modules(ROOT / "macros")]
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line) and not line.lstrip().startswith("#")
    ]
    assert found == []
