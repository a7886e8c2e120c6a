"""What our forms share: the CSRF token, the position's discussion page, making a draft position public.

The forms themselves are generated from each type's schema (``plugins/web/schema_forms.py``): ``/+nouvelle/<type>``
creates a page, ``/+formulaire/<page>`` edits one. Every form carries a CSRF token (:func:`csrf_token`).
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, request, url_for
from moin import flaskg
from moin.constants.keys import CURRENT as CURRENT_REV
from moin.themes import render_template

from plugins.data.registry import analyse
from plugins.indexing import debat
from plugins.operations import groupes
from plugins.operations.pages import store_page
from plugins.views.csrf import csrf_ok, csrf_token

DISCUSSION_TEXT = """= Discussion : {title} =

Débattez ici de la position : une section par sujet, signez vos messages. Tant que la position est un
brouillon, cette page n'est lisible que par le groupe.
"""


def publish_position() -> Any:
    """A member of the group makes a draft public: a new revision with the public ACL, in the history."""


    name = request.form.get("page", "")
    if not csrf_ok():
        abort(400)
    item = flaskg.storage.get_item(name_exact=name)
    if not item or not flaskg.user.may.read(name):
        abort(404)
    rev = item[CURRENT_REV]
    text = rev.data.read().decode("utf-8")
    record = analyse(text).record
    group = record.data.get("groupe", "") if record is not None and record.type.name == "position" else ""
    if not group or not groupes.is_member(group):
        abort(403)
    user = flaskg.user.name[0]
    store_page(current_app, name, text, f"Rendue publique par {user}", acl=groupes.public_acl(group))
    debat.publish_debate(current_app, name, group)  # its arguments and amendments too
    discussion = current_app.storage.get_item(name_exact=f"{name}/Discussion")
    if discussion:
        talk = discussion[CURRENT_REV].data.read().decode("utf-8")
        store_page(
            current_app, f"{name}/Discussion", talk, f"Rendue publique par {user}", acl=groupes.public_acl(group)
        )
    return redirect(url_for("frontend.show_item", item_name=name))


def render_form(
    heading: str,
    intro: str,
    action: str,
    button: str,
    fields: list[tuple[str, str, str, str]],
    values: dict[str, str],
    errors: dict[str, list[str]],
    general: list[str],
    status: int,
    datalists: dict[str, Any],
    hidden: list[tuple[str, str]] = (),
) -> Any:
    """One template for our forms: labelled fields, help and errors tied to them (aria), CSRF token."""
    html = render_template(
        "ecossolies/formulaire.html",
        title_name=heading,
        heading=heading,
        intro=intro,
        action=action,
        button=button,
        fields=fields,
        required=fields[0][0],
        values=values,
        errors=errors,
        general=general,
        datalists=datalists,
        hidden=list(hidden),
        csrf_token=csrf_token(),
        logged_in=bool(flaskg.user.valid),
    )
    return html, status
