"""Accounts: the admin group (a moin wiki group) and adding an admin to it."""

from __future__ import annotations

from typing import Any

from moin import user as moin_user
from moin.constants.keys import ACL, CURRENT, NAME_EXACT, USERGROUP
from moin.utils.names import CompositeName

from plugins.operations.pages import store_page

GROUP_TEXT = """= Administrateurs du wiki =

Les membres de ce groupe administrent le wiki : ils peuvent tout modifier, détruire des pages et fixer
les droits d'accès (ACL) des pages. La liste des membres est dans les métadonnées de cette page ;
un administrateur en ajoute un autre avec `make admin NAME=… EMAIL=… PASSWORD=…`.
"""


def group_members(app: Any, group: str) -> list[str]:
    item = app.storage.get_item(**CompositeName("", NAME_EXACT, group).query)
    if not item:
        return []
    return list(item[CURRENT].meta.get(USERGROUP) or [])


def make_admin(app: Any, name: str, email: str, password: str) -> str:
    """Create the account if needed and add it to the admin group; return a French report."""
    group = app.cfg.admin_group
    lines = []
    if moin_user.search_users(**{NAME_EXACT: name}):
        lines.append(f"Le compte « {name} » existe déjà.")
    else:
        message = moin_user.create_user(username=name, password=password, email=email)
        if message:
            raise ValueError(f"Compte non créé : {message}")
        lines.append(f"Compte « {name} » créé.")
    members = group_members(app, group)
    if name in members:
        lines.append(f"« {name} » est déjà dans le groupe {group}.")
    else:
        item = app.storage.get_item(**CompositeName("", NAME_EXACT, group).query)
        text = GROUP_TEXT
        acl = "All:read"
        if item:
            rev = item[CURRENT]
            text = rev.data.read().decode("utf-8")
            acl = rev.meta.get(ACL, acl)
        store_page(app, group, text, f"Ajout de {name} aux administrateurs", acl=acl, usergroup=[*members, name])
        lines.append(f"« {name} » ajouté au groupe {group}.")
    return " ".join(lines)
