"""Building blocks of the cards and listings, as moin DOM (escaped by moin's HTML serialiser).

Every text goes in as a text node, every link through an IRI, so no field can inject markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from moin.utils.iri import Iri
from moin.utils.tree import moin_page, xlink

from plugins.data.frontmatter import Probleme

Node = object  # an emeraldtree element or a str


def div(css: str, children: Iterable[Node]) -> moin_page.div:
    return moin_page.div(attrib={moin_page.class_: css}, children=list(children))


def span(css: str, children: Iterable[Node]) -> moin_page.span:
    return moin_page.span(attrib={moin_page.class_: css}, children=list(children))


def para(children: Iterable[Node], css: str | None = None) -> moin_page.p:
    attrib = {moin_page.class_: css} if css else {}
    return moin_page.p(attrib=attrib, children=list(children))


def strong(text: str) -> moin_page.strong:
    return moin_page.strong(children=[text])


def heading(text: str, level: int = 2, css: str | None = None) -> moin_page.h:
    attrib = {moin_page.outline_level: level}
    if css:
        attrib[moin_page.class_] = css
    return moin_page.h(attrib=attrib, children=[text])


def page_link(name: str, text: str | None = None) -> moin_page.a:
    """A link to a wiki page (moin marks it as missing when the page does not exist)."""
    return moin_page.a(attrib={xlink.href: Iri(scheme="wiki", authority="", path="/" + name)}, children=[text or name])


def web_link(url: str, text: str | None = None) -> moin_page.a:
    """A link to an address already checked to be http(s) or mailto/tel by the schema."""
    return moin_page.a(attrib={xlink.href: Iri(url)}, children=[text or url])


def contact_links(contact: dict[str, str]) -> list[moin_page.a]:
    """Links of a ``contact`` group (e-mail, phone, web site), already checked by the schema."""
    links = []
    if contact.get("email"):
        links.append(web_link("mailto:" + contact["email"], contact["email"]))
    if contact.get("telephone"):
        links.append(web_link("tel:" + contact["telephone"].replace(" ", ""), contact["telephone"]))
    if contact.get("site"):
        links.append(web_link(contact["site"]))
    return links


def url_link(url: str, text: str, css: str | None = None, mimetype: str | None = None) -> moin_page.a:
    """A link to one of our own URLs (exports, facets), with its class and media type."""
    attrib = {xlink.href: Iri(url)}
    if css:
        attrib[moin_page.class_] = css
    if mimetype:
        attrib[moin_page.type] = mimetype
    return moin_page.a(attrib=attrib, children=[text])


def bullet_list(
    items: Iterable[Sequence[Node] | Node], ordered: bool = False, css: str | None = None
) -> moin_page.list:
    attrib = {moin_page.item_label_generate: "ordered" if ordered else "unordered"}
    if css:
        attrib[moin_page.class_] = css
    children = []
    for item in items:
        content = list(item) if isinstance(item, (list, tuple)) else [item]
        children.append(moin_page.list_item(children=[moin_page.list_item_body(children=content)]))
    return moin_page.list(attrib=attrib, children=children)


def definition_list(entries: Iterable[tuple[str, Sequence[Node]]], css: str = "eco-champs") -> moin_page.list:
    children = [
        moin_page.list_item(
            children=[moin_page.list_item_label(children=[label]), moin_page.list_item_body(children=list(body))]
        )
        for label, body in entries
    ]
    return moin_page.list(attrib={moin_page.class_: css}, children=children)


def joined(nodes: Iterable[Node], separator: str = ", ") -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        if out:
            out.append(separator)
        out.append(node)
    return out


def header(kind: str, title: str, subtitle: list[str] | tuple[str, ...] = ()) -> moin_page.div:
    """The top of a card: the kind of page, its title, then what matters most (e.g. form · commune)."""
    parts = [x for x in subtitle if x]
    return div(
        "eco-card-header",
        [
            span("eco-type", [kind]),
            heading(title, 2, "eco-titre"),
            *([para([" · ".join(parts)], "eco-sous-titre")] if parts else []),
        ],
    )


def problems_box(problems: list[Probleme], title: str = "Données à corriger") -> moin_page.admonition:
    """The French message shown above a card whose data block has problems."""
    return moin_page.admonition(
        attrib={moin_page.type: "caution", moin_page.class_: "eco-problemes"},
        children=[
            para([strong(title + " : ")]),
            bullet_list([str(p) for p in problems]),
            para(
                [
                    "Le texte de la page est conservé tel quel, et la page reste dans les listes et les cartes ; "
                    "corrigez le bloc de données (entre les lignes « --- ») en modifiant la page, ou sans YAML avec "
                    "le bouton « Modifier avec le formulaire »."
                ],
                css="eco-aide",
            ),
        ],
    )


def macro_call(name: str, arguments: dict[str, str]) -> moin_page.part:
    """A macro call, as moin's wiki parser makes one: expanded each time the page is shown.

    Cards use it for what depends on other pages or on the reader (the actors of a chain, whether a
    linked page exists), since moin caches the rest of a page's rendering by revision.
    """
    text = ", ".join(f'{key}="{_quote(value)}"' for key, value in arguments.items())
    part = moin_page.part(
        attrib={moin_page.alt: f"<<{name}({text})>>", moin_page.content_type: "x-moin/macro;name=" + name}
    )
    if text:
        part.append(moin_page.arguments(children=[text]))
    return part


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
