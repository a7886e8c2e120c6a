"""Writing pages and users the way moin does (complete metadata), for the tests."""

from __future__ import annotations

from typing import Any

from moin import flaskg
from moin import user as moin_user
from moin.app import before_wiki, teardown_wiki
from moin.constants.keys import ACL, CONTENTTYPE, ITEMTYPE
from moin.items import Item

from plugins.operations.pages import store_page

MOINWIKI = "text/x.moin.wiki;charset=utf-8"
MARKDOWN = "text/x-markdown;charset=utf-8"


class Wiki:
    def __init__(self, app: Any) -> None:
        self.app = app

    def save(
        self, name: str, text: str, contenttype: str = MOINWIKI, acl: str | None = None, comment: str = "test"
    ) -> str:
        """Save a page as our commands do (moin's storage, complete metadata); return its item id."""
        with self.app.app_context():
            return store_page(self.app, name, text, comment, contenttype=contenttype, acl=acl)

    def save_as(
        self,
        username: str,
        name: str,
        text: str,
        contenttype: str = MOINWIKI,
        acl: str | None = None,
        comment: str = "test",
    ) -> None:
        """Save a page through moin's Item API as a logged-in member (moin sends its signals)."""
        with self.app.test_request_context("/", base_url="http://localhost/"):
            before_wiki()
            flaskg.user = flaskg.storage.user = moin_user.User(auth_username=username)
            meta: dict[str, Any] = {CONTENTTYPE: contenttype, ITEMTYPE: "default"}
            if acl is not None:
                meta[ACL] = acl
            item = Item.create(name, itemtype="default", contenttype=contenttype)
            item._save(meta, text, comment=comment)
            teardown_wiki("")

    def run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run fn in a request context (anonymous reader)."""
        with self.app.test_request_context("/", base_url="http://localhost/"):
            before_wiki()
            try:
                return fn(*args, **kwargs)
            finally:
                teardown_wiki("")

    def create_user(self, name: str, password: str = "motdepasse-solide-2026", email: str | None = None) -> None:
        def create() -> None:
            msg = moin_user.create_user(
                username=name, password=password, email=email or f"{name.lower()}@exemple.org", validate=False
            )
            assert not msg, msg

        self.run(create)


def login(client: Any, name: str, password: str = "motdepasse-solide-2026") -> None:
    """Log in through moin's form, and check that the session now holds that account (a failed login answers 200)."""
    response = client.post("/+login", data={"login_username": name, "login_password": password, "login_submit": "1"})
    assert response.status_code in (200, 302)
    with client.session_transaction() as session:
        assert session.get("user.itemid"), f"login of {name} failed"


def modify(client: Any, name: str, text: str, contenttype: str = MOINWIKI, comment: str = "modification") -> Any:
    """Save a page through moin's own modify form, as a browser would."""
    from urllib.parse import quote

    url = f"/+modify/{quote(name)}?contenttype={quote(contenttype)}&itemtype=default&template="
    form = {
        "content_form_data_text": text,
        "comment": comment,
        "meta_form_acl": "None",
        "meta_form_name": name,
        "meta_form_summary": "",
        "meta_form_tags": "",
    }
    return client.post(url, data=form)


def content(client: Any, path: str) -> str:
    """The content part of a page as a reader gets it (status 200 asserted)."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    html = response.get_data(as_text=True)
    start = html.find('id="moin-content-data"')
    return html[start:] if start >= 0 else html


def fiche(nom: str, **fields: str) -> str:
    """The text of a minimal fiche page, with extra fields written as YAML lines."""
    extra = "".join(f"{k}: {v}\n" for k, v in fields.items())
    return f"---\ntype: fiche\nnom: {nom}\n{extra}---\nTexte de {nom}.\n"


def listing_names(html: str) -> list[str]:
    """The names a binder lists, in order."""
    import re

    block = html[html.find('class="eco-liste"') :] if 'class="eco-liste"' in html else ""
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', block)


def form_values(html: str, css_class: str = "eco-formulaire-genere") -> dict[str, str]:
    """What a browser would send from a form as served: every named input, text area and selected option."""
    import lxml.html

    tree = lxml.html.fromstring(html)
    forms = tree.xpath(f'//form[contains(concat(" ", @class, " "), " {css_class} ")]')
    assert forms, "pas de formulaire dans la page"
    values: dict[str, str] = {}
    for element in forms[0].iter("input", "textarea", "select"):
        name = element.get("name")
        if not name or element.get("type") in ("submit", "button", "checkbox", "radio", "file"):
            continue
        if element.tag == "textarea":
            text = element.text or ""
            values[name] = text[1:] if text.startswith("\n") else text  # as browsers read a <textarea>
        elif element.tag == "select":
            chosen = [o for o in element.iter("option") if o.get("selected") is not None]
            values[name] = chosen[0].get("value", "") if chosen else ""
        else:
            values[name] = element.get("value") or ""
    return values
