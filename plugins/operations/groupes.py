"""Working groups: a moin group (its members) plus a space ``GroupesDeTravail/<Nom>`` where they draft positions.

The group page (``<Slug>Group``, moin's wiki groups) is editable by admins only; the space and the positions in
it give the group's members every right on them (``admin`` included, so they may publish a draft).
"""

from __future__ import annotations

from typing import Any

from moin import flaskg

from plugins.data.groupes import SPACE, group_item, members_acl, space  # noqa: F401  (names of the group conventions)
from plugins.operations.accounts import group_members
from plugins.operations.pages import store_page


def draft_acl(name: str) -> str:
    """A draft: the group (and the admins, by the wiki's « before » ACL) only."""
    return f"{members_acl(name)} All:"


def public_acl(name: str) -> str:
    return f"{members_acl(name)} All:read"


def is_member(name: str, user: Any = None) -> bool:
    user = user or flaskg.user
    if not user.valid:
        return False
    try:
        return user.name[0] in flaskg.groups[group_item(name)]
    except KeyError:
        return False


SPACE_TEXT = """= Groupe de travail {name} =

Les membres du groupe rédigent ici leurs positions : un brouillon n'est visible que par le groupe (et les
administrateurs) jusqu'à ce qu'un membre le rende public.

[[/+nouvelle/position?groupe={name}|Nouvelle position]]

== Positions ==
<<Positions(groupe="{name}")>>

== Dispositifs suivis ==
<<Dispositifs(groupe="{name}")>>

== Interpellations ==
<<Interpellations(groupe="{name}")>>

[[/+debat/flux?groupe={name}|Suivre les débats du groupe (flux Atom)]]
"""


def create_group(app: Any, name: str, members: list[str]) -> str:
    """Create (or complete) a working group: its moin group, its space. Returns a French report."""
    if not name.strip() or "/" in name:
        raise ValueError("le nom du groupe est vide ou contient « / ».")
    item = group_item(name)
    current = group_members(app, item)
    wanted = current + [m for m in members if m not in current]
    lines = []
    if wanted != current or not app.storage.has_item(item):
        store_page(
            app,
            item,
            f"= Membres du groupe de travail {name} =\n\nLa liste est dans les métadonnées.\n",
            f"Groupe de travail {name}",
            acl="All:read",
            usergroup=wanted,
        )
        lines.append(f"groupe {item} : {', '.join(wanted) or 'aucun membre'}")
    if not app.storage.has_item(space(name)):
        store_page(app, space(name), SPACE_TEXT.format(name=name), f"Espace du groupe {name}", acl=public_acl(name))
        lines.append(f"espace {space(name)} créé")
    return " ; ".join(lines) or "rien à changer"
