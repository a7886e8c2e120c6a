"""The debate around a page: its arguments, its amendments, the interpellations that cite it, a position's path.

Everything here answers for the current reader (moin's ACLs through ``plugins.indexing.query.readable``) and writes
under checks made here (members only; the group for a position's decisions), through ``store_page`` in the
request so that moin records the member as the revision's author. A debate's pages carry the ACL of the
page debated: a draft position's arguments and amendments are the group's only, and become public with it
(:func:`publish_debate`).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from moin import flaskg
from moin.constants.keys import ACL, ALL_REVS, CURRENT, ITEMID, MTIME, REV_NUMBER, REVID, USERID
from moin.user import User
from whoosh.query import Or, Term

from plugins.data import frontmatter
from plugins.data.registry import analyse
from plugins.data.text import fold
from plugins.data.types.interpellation import concerns
from plugins.indexing.query import readable, structured_subject
from plugins.indexing.structured import IndexedPage, get_index
from plugins.operations import groupes
from plugins.operations.pages import store_page

ARGUMENTS = "Arguments"
AMENDEMENTS = "Amendements"
MAX_BODY = 20_000


class DebatError(ValueError):
    """A debate action refused; the message (French) says why."""


def under(name: str) -> str:
    """moin's subscription pattern for the pages under a page (its arguments, its amendments)."""
    return "^" + re.escape(name + "/")


def names_of(target: str, title: str = "") -> set[str]:
    """The folded ways a debate page may name its target: full name, or title."""
    return {fold(n) for n in (target, title) if n}


def pages_about(type_name: str, target: str, title: str = "") -> list[IndexedPage]:
    """Readable pages of a type whose ``sur`` names the target (by its full name or its title, even when the
    caller, such as ``<<Arguments(page=…)>>``, only knows the name)."""
    index = get_index()
    if index is None:
        return []
    if not title:
        subject = structured_subject(target)
        if subject is not None and fold(subject.fullname) == fold(target):
            title = subject.title
    names = names_of(target, title)
    return readable([p for p in index.pages(type_name) if fold(str(p.data.get("sur", ""))) in names])


def interpellations_about(key: str, target: str, title: str = "") -> list[IndexedPage]:
    """Readable interpellations whose ``positions`` or ``dispositifs`` name the target."""

    index = get_index()
    if index is None:
        return []
    names = names_of(target, title) | {fold(target.rsplit("/", 1)[-1])}
    return readable([p for p in index.pages("interpellation") if concerns(p.data, key, names)])


def body_of(page: IndexedPage) -> str:
    """The free text of an indexed page (its data block left out)."""
    index = get_index()
    text = index.text_of(page) if index else None
    return frontmatter.split(text).body if text else ""


@dataclass
class Auteur:
    name: str
    created: int  # first revision's time


def authors(pages: list[IndexedPage]) -> dict[str, Auteur]:
    """Who wrote each page and when, read from moin's all-revisions index in one search (not page by page)."""

    if not pages:
        return {}
    first: dict[str, dict[str, Any]] = {}
    indexer = current_app.storage
    with indexer.ix[ALL_REVS].searcher() as searcher:
        query = Or([Term(ITEMID, p.itemid) for p in pages])
        for hit in searcher.search(query, limit=None):
            doc = hit.fields()
            known = first.get(doc[ITEMID])
            if known is None or doc.get(REV_NUMBER, 0) < known.get(REV_NUMBER, 0):
                first[doc[ITEMID]] = doc
    names: dict[str, str] = {}
    out = {}
    for page in pages:
        doc = first.get(page.itemid)
        if doc is None:
            out[page.itemid] = Auteur("?", page.mtime)
            continue
        userid = doc.get(USERID)
        if userid and userid not in names:
            names[userid] = User(userid).name0 or ""
        mtime = doc.get(MTIME)
        created = int(mtime.timestamp()) if hasattr(mtime, "timestamp") else int(mtime or page.mtime)
        out[page.itemid] = Auteur((names.get(userid) if userid else "") or "anonyme", created)
    return out


def day(timestamp: int) -> str:
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC).date().isoformat() if timestamp else ""


# -- reading and writing the pages of a debate -----------------------------------------------------------


@dataclass
class Cible:
    """The page debated, as the current reader may reach it."""

    name: str
    acl: str | None
    revid: str
    text: str
    record: Any

    @property
    def title(self) -> str:
        return self.record.title if self.record is not None else self.name.rsplit("/", 1)[-1]

    @property
    def type(self) -> str:
        return self.record.type.name if self.record is not None else ""

    @property
    def group(self) -> str:
        return str(self.record.data.get("groupe", "")) if self.type == "position" else ""


def target(name: str) -> Cible:
    """The page debated; DebatError when missing or unreadable (the same message: nothing leaks)."""
    item = flaskg.storage.get_item(name_exact=name) if name else None
    if not name or not item or not flaskg.user.may.read(name):
        raise DebatError(f"Page inconnue « {name[:200]} » : ouvrez ce formulaire depuis la page débattue.")
    rev = item[CURRENT]
    text = rev.data.read().decode("utf-8", "replace")
    return Cible(name, rev.meta.get(ACL), rev.meta[REVID], text, analyse(text).record)


def may_debate(cible: Cible) -> bool:
    """Members who may read the page may argue about it (a draft's readers are its group)."""
    return bool(flaskg.user.valid) and flaskg.user.may.read(cible.name)


def _safe_acl_name(name: str) -> bool:
    return bool(re.fullmatch(r"[\w.@-]+", name))


def debate_acl(cible: Cible, author_writes: bool) -> str | None:
    """The ACL of a debate page: the debated page's, its author allowed to edit their own argument."""
    if cible.acl is None:
        return None
    user = flaskg.user.name[0]
    if author_writes and _safe_acl_name(user):
        return f"{user}:read,write {cible.acl}"
    return cible.acl


def free_name(base: str, kind: str) -> str:
    """The next free name under ``base/kind/`` (1, 2, …), whoever may read the ones taken."""
    storage = current_app.storage
    n = 1
    while storage.has_item(f"{base}/{kind}/{n}"):
        n += 1
    return f"{base}/{kind}/{n}"


def check_body(text: str, what: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise DebatError(f"{what} est vide.")
    if len(text) > MAX_BODY:
        raise DebatError(f"{what} est trop long ({len(text)} caractères ; au plus {MAX_BODY}).")
    if "\x00" in text:
        raise DebatError(f"{what} contient un caractère nul.")
    return text


def create_argument(cible: Cible, data: dict[str, Any], body: str) -> str:
    """Save a new argument page on the target as the current member; return its name."""
    if not may_debate(cible):
        raise DebatError("Connectez-vous pour argumenter.")
    name = free_name(cible.name, ARGUMENTS)
    text = frontmatter.join({"type": "argument", **data}, check_body(body, "L'argument") + "\n")
    store_page(current_app, name, text, f"Argument {data['sens']} (formulaire)", acl=debate_acl(cible, True))
    return name


def create_amendment(cible: Cible, resume: str, proposed: str) -> str:
    """Save a proposal against the target's current revision; return its name."""
    if cible.type != "position":
        raise DebatError("Seules les positions se modifient par amendement.")
    if not may_debate(cible):
        raise DebatError("Connectez-vous pour proposer un amendement.")
    proposed = check_body(proposed, "Le texte proposé")
    if proposed.strip() == frontmatter.split(cible.text).body.strip():
        raise DebatError("Le texte proposé est identique au texte actuel : rien à amender.")
    data: dict[str, Any] = {"type": "amendement", "sur": cible.name, "base": cible.revid, "statut": "ouvert"}
    if resume.strip():
        data["resume"] = resume.strip()[:300]
    name = free_name(cible.name, AMENDEMENTS)
    store_page(current_app, name, frontmatter.join(data, proposed + "\n"), "Amendement proposé", acl=cible.acl)
    return name


@dataclass
class Proposition:
    """An amendment as the decision needs it: its page, its data, its text, the position, its staleness."""

    name: str
    data: dict[str, Any]
    text: str
    proposed: str
    position: Cible | None
    base_body: str | None  # the position's text at the base revision (None: revision unknown)

    @property
    def current_body(self) -> str:
        return frontmatter.split(self.position.text).body if self.position else ""

    @property
    def stale(self) -> bool:
        """The position's text moved on since the base revision (or the base cannot be found)."""
        if self.position is None:
            return True
        if self.position.revid == self.data.get("base"):
            return False
        return self.base_body is None or self.base_body.strip() != self.current_body.strip()


def proposition(name: str) -> Proposition:
    item = flaskg.storage.get_item(name_exact=name) if name else None
    if not name or not item or not flaskg.user.may.read(name):
        raise DebatError(f"Amendement inconnu « {name[:200]} ».")
    text = item[CURRENT].data.read().decode("utf-8", "replace")
    analysis = analyse(text)
    if analysis.record is None or analysis.record.type.name != "amendement" or analysis.problems:
        raise DebatError(f"« {name[:200]} » n'est pas un amendement valide : corrigez son bloc de données.")
    data = analysis.record.data
    try:
        position = target(data["sur"])
    except DebatError:
        position = None
    base_body = None
    if position is not None:
        try:
            base_item = current_app.storage.get_item(name_exact=position.name)
            rev = base_item.get_revision(str(data["base"]))
            base_body = frontmatter.split(rev.data.read().decode("utf-8", "replace")).body
        except (KeyError, AttributeError):
            base_body = None
    return Proposition(name, data, text, analysis.front.body, position, base_body)


def may_decide(prop: Proposition) -> bool:
    group = prop.position.group if prop.position else ""
    return bool(group) and groupes.is_member(group)


def _rewrite_data(text: str, changes: dict[str, Any]) -> str:
    front = frontmatter.split(text)
    data = dict(front.data or {})
    data.update(changes)
    return frontmatter.join(data, front.body)


def accept(prop: Proposition) -> None:
    """Apply a proposal as a new revision of the position, credited to its author; never when stale."""
    if not may_decide(prop):
        raise DebatError("Seuls les membres du groupe de la position décident de ses amendements.")
    if prop.data.get("statut", "ouvert") != "ouvert":
        raise DebatError("Cet amendement est déjà décidé.")
    if prop.stale:
        raise DebatError(
            "Le texte de la position a changé depuis que cet amendement a été proposé : il n'est pas appliqué. "
            "Proposez-le de nouveau sur le texte actuel."
        )
    position = prop.position
    if position is None:  # a missing position makes the proposal stale: never reached
        raise DebatError("La position amendée est introuvable.")
    if not position.text.endswith(prop.current_body):
        raise DebatError("Le texte de la position est illisible : amendement non appliqué.")
    block = position.text[: len(position.text) - len(prop.current_body)]  # the data block, kept as written
    new_text = block + prop.proposed.rstrip("\n") + "\n"
    member = flaskg.user.name[0]
    proposer, proposer_id = first_author(prop.name)
    # the new revision is the proposer's text: moin's history credits it to them, the comment says who accepted
    store_page(
        current_app,
        position.name,
        new_text,
        f"Amendement de {proposer} accepté par {member} ({prop.name})",
        acl=position.acl,
        userid=proposer_id or flaskg.user.itemid,
    )
    acl = current_app.storage.get_item(name_exact=prop.name)[CURRENT].meta.get(ACL)
    store_page(
        current_app, prop.name, _rewrite_data(prop.text, {"statut": "accepté"}), f"Accepté par {member}", acl=acl
    )


def reject(prop: Proposition, reason: str) -> None:
    if not may_decide(prop):
        raise DebatError("Seuls les membres du groupe de la position décident de ses amendements.")
    if prop.data.get("statut", "ouvert") != "ouvert":
        raise DebatError("Cet amendement est déjà décidé.")
    reason = reason.strip()
    if not reason:
        raise DebatError("Donnez le motif du rejet.")
    member = flaskg.user.name[0]
    acl = current_app.storage.get_item(name_exact=prop.name)[CURRENT].meta.get(ACL)
    text = _rewrite_data(prop.text, {"statut": "rejeté", "motif": reason[:2000]})
    store_page(current_app, prop.name, text, f"Rejeté par {member}", acl=acl)


def first_author(name: str) -> tuple[str, str | None]:
    """Who wrote the first revision of a page: their name (« anonyme » when unknown) and account id, if the
    account still exists."""
    item = current_app.storage.get_item(name_exact=name)
    first = min(item.iter_revs(), key=lambda doc: doc.meta.get(REV_NUMBER, 0), default=None) if item else None
    userid = first.meta.get(USERID) if first is not None else None
    user = User(userid) if userid else None
    if user is None or not user.exists():
        return "anonyme", None
    return user.name0 or "anonyme", userid


def publish_debate(app: Any, position: str, group: str) -> int:
    """A draft made public: its arguments and amendments too (their ACL's draft part becomes the public one)."""
    index = get_index(app)
    if index is None:
        return 0
    draft, public = groupes.draft_acl(group), groupes.public_acl(group)
    # the position, and its amendments (arguments on an amendment are part of the position's debate)
    debated = {fold(position)} | {
        fold(p.fullname) for p in index.pages("amendement") if fold(str(p.data.get("sur", ""))) == fold(position)
    }
    changed = 0
    for type_name in ("amendement", "argument"):
        for page in index.pages(type_name):
            if fold(str(page.data.get("sur", ""))) not in debated or not page.acl or draft not in page.acl:
                continue
            item = app.storage.get_item(itemid=page.itemid)
            text = item[CURRENT].data.read().decode("utf-8", "replace")
            store_page(app, page.fullname, text, "Rendu public avec la position", acl=page.acl.replace(draft, public))
            changed += 1
    return changed
