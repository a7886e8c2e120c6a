"""moin's macro, transclusion and link expansion, noting what may read other pages (for the anonymous cache).

A page view kept for anonymous readers is renewed when the page itself changes; a macro or a transclusion in
it may show other pages too. These converters stand in moin's registry before moin's own and tell
plugins/indexing/dependencies.py when a page reads what it cannot see: every transclusion (``{{Page}}``,
``<<Include>>``), and every macro except those that read nothing but their arguments and the page itself
(``PURE``, ``OURS_PURE``) and ours whose reads all go through the structured index, which records them
(``RECORDED``). A new macro is thus taken, until reviewed, as reading the whole wiki: its page is renewed at
every change, never served stale. moin's link converter draws a link to a page that does not exist as missing:
each local link notes the page it names, whose creation renews the answers that link to it (as MediaWiki
renews the pages that link to a page created).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from moin.converters import default_registry
from moin.converters.include import Converter as MoinIncludeConverter
from moin.converters.link import ConverterExternOutput as MoinLinkConverter
from moin.converters.macro import Converter as MoinMacroConverter
from moin.utils.iri import Iri, IriPath
from moin.utils.mime import Type, type_moin_document
from moin.utils.registry import RegistryBase
from moin.utils.tree import moin_page, xinclude

from plugins.indexing import dependencies

#: moin's macros that show nothing but their arguments, the page, the date or static lists
PURE = frozenset(
    {"Anchor", "Date", "DateTime", "FontAwesome", "GetText", "HighlighterList", "Icon", "MailTo", "PageTitle",
     "ShowIcons", "ShowSmileys", "Verbatim"}
)  # fmt: skip
#: ours that read other pages only through plugins/indexing/query.py or the structured index (both recorded)
RECORDED = frozenset({"Classeur", "Carte"})
#: ours that show only what the code holds (the macros' documentation, a type's schema): the help page (« page
#: simple » of ``make charge``) was computed again after every save
OURS_PURE = frozenset({"AideMacros", "Champs"})


def macro_name(elem: Any) -> str | None:
    """The name of the macro an element calls, or None if it is not a macro call."""
    content_type = elem.get(moin_page.content_type)
    if not content_type:
        return None
    parsed = Type(content_type)
    if parsed.type != "x-moin" or parsed.subtype != "macro":
        return None
    return parsed.parameters.get("name")


class Converter(MoinMacroConverter):
    """moin's macro expansion, with each unreviewed macro noted as a read of the whole wiki."""

    @classmethod
    def factory(cls, input: Type, output: Type, macros: str | None = None, **kwargs: Any) -> Converter | None:
        return cls() if macros == "expandall" else None

    def handle_macro(self, elem: Any, page: Any) -> None:
        name = macro_name(elem)
        if name is not None and name not in PURE and name not in OURS_PURE and name not in RECORDED:
            dependencies.everything()
        super().handle_macro(elem, page)


class IncludeConverter(MoinIncludeConverter):
    """moin's transclusion, with any transclusion noted as a read of the whole wiki."""

    @classmethod
    def factory(cls, input: Type, output: Type, includes: str | None = None, **kwargs: Any) -> IncludeConverter | None:
        return cls() if includes == "expandall" else None

    def __call__(self, tree: Any) -> Any:
        if next(iter(tree.iter(xinclude.include)), None) is not None:
            dependencies.everything()
        return super().__call__(tree)


class LinkConverter(MoinLinkConverter):
    """moin's link resolution, with the page each local link names noted (drawn as missing or not)."""

    @classmethod
    def _factory(cls, input: Type, output: Type, links: str | None = None, **kwargs: Any) -> LinkConverter | None:
        return cls() if links == "extern" else None

    def handle_wikilocal_links(
        self, elem: Any, input: Iri, page: Iri | None, to_tag: Any = MoinLinkConverter._tag_xlink_href
    ) -> None:
        if input.path and dependencies.current() is not None:
            dependencies.note_names(*self._named(str(input.path), page))
        super().handle_wikilocal_links(elem, input, page, to_tag)

    def _named(self, name: str, page: Iri | None) -> set[str]:
        """The page whose existence moin checks for this link (the same steps as moin's method), and the name
        as written, in case moin's steps change."""
        names = {name}
        info = current_app.link_analyzer(name)
        if info.is_valid and not info.is_global and info.item_name:
            if info.endpoint == "frontend.show_item":
                if page:
                    names.add(str(self.absolute_path(IriPath(name), page.path)))
            else:
                names.add(info.item_name)
        return names


def register() -> None:
    """Stand before moin's macro, include and link converters (idempotent)."""
    for factory in (Converter.factory, IncludeConverter.factory, LinkConverter._factory):
        default_registry.register(factory, type_moin_document, type_moin_document, RegistryBase.PRIORITY_FIRST)
