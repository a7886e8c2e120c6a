"""Configuration MoinMoin du wiki des Écossolies.

Read by moin (``moin run``, ``moin account-create`` …) from the repository root, and by ``make run``.
The instance (storage, moin's indexes, our structured index, the secret key) lives under ``wiki/``.
"""

from __future__ import annotations

import os
import secrets as _secrets
import sys

import moin
from moin.config import AclConfig, IndexStorageConfig
from moin.config.default import DefaultConfig
from moin.constants.namespaces import NAMESPACE_DEFAULT, NAMESPACE_USERPROFILES, NAMESPACE_USERS
from moin.storage import create_mapping
from moin.utils import get_xstatic_module_path_map

ROOT = os.path.abspath(os.path.dirname(__file__))
if ROOT not in sys.path:  # moin may read this file from elsewhere (MOINCFG=…/wikiconfig.py)
    sys.path.insert(0, ROOT)

import plugins.web.integration  # noqa: E402,F401  (registers our converter, signal handlers and web views)
from plugins.operations.production import load_environment  # noqa: E402

load_environment()  # production.env (git-ignored): secret key, tiles, storage, admin; the environment wins

INSTANCE = os.environ.get("ECOSSOLIES_INSTANCE", os.path.join(ROOT, "wiki"))

#: moin group whose members administer the wiki (see README).
ADMIN_GROUP = "AdminGroup"


def _secret_key() -> str:
    """The session secret: from the environment, else a random key kept in the (git-ignored) instance."""
    key = os.environ.get("ECOSSOLIES_SECRET_KEY")
    if key:
        return key
    path = os.path.join(INSTANCE, "secret_key")
    if not os.path.exists(path):
        os.makedirs(INSTANCE, exist_ok=True)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(_secrets.token_hex(32))
    with open(path) as f:
        return f.read().strip()


def ecossolies_acls() -> dict[str, AclConfig]:
    """Anonymous visitors read, known members write, the admin group does everything."""
    admins = f"{ADMIN_GROUP}:read,write,create,destroy,admin"
    return {
        NAMESPACE_DEFAULT: AclConfig(
            before=admins, default="Known:read,write,create All:read", after="", hierarchic=False
        ),
        NAMESPACE_USERS: AclConfig(
            before=admins, default="Known:read,write,create All:read", after="", hierarchic=True
        ),
        NAMESPACE_USERPROFILES: AclConfig(before="All:", default="", after="", hierarchic=False),
    }


NAMESPACES = {NAMESPACE_DEFAULT: "default", NAMESPACE_USERS: "users", NAMESPACE_USERPROFILES: "userprofiles"}
#: where pages live: files under wiki/data, or any moin store, e.g. PostgreSQL through SQLAlchemy (README)
STORAGE_URI = os.environ.get("ECOSSOLIES_STORAGE") or f"stores:fs:{os.path.join(INSTANCE, 'data')}/%(backend)s/%(kind)s"
if "%(backend)s" not in STORAGE_URI or "%(kind)s" not in STORAGE_URI:
    raise SystemExit("ECOSSOLIES_STORAGE doit contenir %(backend)s et %(kind)s (voir le README).")


#: moin's Whoosh indexes read through file handles: with mmap, Whoosh 2.7 copies each segment's files into memory
#: at every searcher opened, and moin opens about twenty a page view (a plain page: 71 ms → 31 ms, 2,000 fiches)
INDEX_OPTIONS = {"supports_mmap": False}


class Config(DefaultConfig):
    wikiconfig_dir = ROOT
    instance_dir = INSTANCE
    data_dir = os.path.join(INSTANCE, "data")
    index_storage = IndexStorageConfig(name="FileStorage", args=(os.path.join(INSTANCE, "index"),), kwargs=INDEX_OPTIONS)
    #: our structured index (Whoosh), beside moin's
    structured_index_dir = os.path.join(INSTANCE, "index-structure")
    #: moin's index segments merged by a low-priority process that the serving processes start, not by the saves
    #: (plugins/indexing/merging.py); ECOSSOLIES_FUSIONS=0: Whoosh merges in the saves, as moin does
    ecossolies_background_merges = os.environ.get("ECOSSOLIES_FUSIONS", "1") != "0"

    # the repository root is moin's plugin dir: it holds macros/ (see README)
    plugin_dirs = [ROOT]
    #: styles of our cards and listings, served as moin's « wiki_local/custom.css »
    wiki_local_dir = os.path.join(ROOT, "themes", "wiki_local")
    template_dirs: list[str] = []
    serve_files: dict[str, str] = {"wiki_local": wiki_local_dir}

    #: answers to anonymous readers kept in memory by each worker (plugins/web/public_cache.py), and for how long a
    #: reverse proxy in front may keep them (seconds; README « Production »)
    public_cache = os.environ.get("ECOSSOLIES_CACHE", "1") != "0"
    public_cache_bytes = int(os.environ.get("ECOSSOLIES_CACHE_MIO", "64")) * 1024 * 1024
    public_cache_proxy_seconds = int(os.environ.get("ECOSSOLIES_PROXY_SECONDES", "1"))

    admin_group = ADMIN_GROUP
    sitename = "Les Écossolies"
    interwikiname = "Ecossolies"
    interwiki_map = {interwikiname: "http://127.0.0.1:8080/", "Self": "http://127.0.0.1:8080/"}
    html_pagetitle = "Les Écossolies"
    locale_default = "fr"
    timezone_default = "Europe/Paris"
    #: authors are shown by name, never by their IP address (personal data); moin shows addresses by default
    show_hosts = False
    theme_default = "ecossolies"
    edit_locking_policy = "lock"
    edit_lock_time = 20
    registration_only_by_superuser = True
    registration_hint = "Pour contribuer, demandez un compte à l'équipe d'animation des Écossolies."
    user_email_verification = False
    # self-registration (plugins/web/security.py): closed while registration_only_by_superuser is True; once opened,
    # a visitor must answer this question (answers compared without case or accents), and with
    # registration_approval the new account stays disabled until an administrator enables it (+admin)
    registration_question = "Dans quelle ville se trouve le siège des Écossolies ? (un seul mot)"
    registration_answers = ("Nantes",)
    registration_approval = True
    #: failed logins (same account or same address) before the next attempt is refused with HTTP 429
    login_max_failures = 5
    #: failed logins from one address (shared by everyone behind it: an office, a workshop room) before a refusal
    login_max_failures_per_address = 20
    #: the window, in seconds, over which failed logins are counted
    login_window = 300
    #: web servers (proxies) in front of the wiki: their X-Forwarded-For gives the visitor's address (README)
    proxies_in_front = int(os.environ.get("ECOSSOLIES_PROXIES", "0"))
    # the Content-Security-Policy of every page is set by plugins/web/security.py (a policy written here replaces it);
    # moin's default report-only policy would only log our allowed inline handlers: none
    content_security_policy = ""
    content_security_policy_report_only = ""
    #: other origins (https://wiki.example.org) allowed to POST here, e.g. behind a proxy that rewrites Host
    trusted_origins: tuple[str, ...] = ()
    acl_functions = f"{ADMIN_GROUP}:superuser"
    admin_emails: list[str] = []
    email_tracebacks = False

    namespaces = NAMESPACES
    backends = dict.fromkeys(NAMESPACES.values(), STORAGE_URI)
    acls = ecossolies_acls()
    namespace_mapping, backend_mapping, acl_mapping = create_mapping(STORAGE_URI, namespaces, backends, acls)
    root_mapping = {"users": "UserHome"}
    default_root = "Accueil"

    #: the map tile server: the only address outside the wiki a page may ask (maps)
    map_tiles_url = os.environ.get("ECOSSOLIES_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    map_tiles_attribution = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">les contributeurs d\'OpenStreetMap</a>'
    )

    # scripts and styles served by the wiki itself (XStatic packages): moin's, and Leaflet for the maps
    mod_names = ["font_awesome", "svgedit_moin", "pygments", "leaflet", "leaflet_markercluster"]
    serve_files.update(get_xstatic_module_path_map(mod_names))


MOINCFG = Config
#: our theme lives in themes/ecossolies (flask-theme finds it by its info.json)
THEME_PATHS = [os.path.join(ROOT, "themes")]
SECRET_KEY = _secret_key()
DEBUG = False
TESTING = False
#: cookies only over HTTPS: on when the wiki is served behind an HTTPS proxy (ECOSSOLIES_HTTPS=1, set by make serve)
SESSION_COOKIE_SECURE = os.environ.get("ECOSSOLIES_HTTPS", "0").strip().lower() in ("1", "oui", "true", "yes")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# moin's catalogues first, then ours (French, which moin does not ship)
BABEL_TRANSLATION_DIRECTORIES = ";".join(
    [os.path.join(os.path.dirname(moin.__file__), "translations"), os.path.join(ROOT, "translations")]
)
