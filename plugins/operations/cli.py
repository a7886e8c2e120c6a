"""Our commands (``.venv/bin/python -m plugins.operations.cli …``, wrapped by the Makefile).

- ``seed``: load the seed content of ``data/pages`` (only the pages that do not exist yet);
- ``admin``: create an account in the admin group;
- ``groupe``: create a working group (moin group and space) or add members to it;
- ``reindex``: rebuild the structured index from moin's storage;
- ``verifier-index``: compare the structured index with moin's storage (and repair with ``--reparer``);
- ``import-fiches``: create many fiches at once from a CSV file or a folder of pages, all or nothing;
- ``import-subventions``: import public subsidy files (SCDL), each checked whole and kept as a wiki item;
- ``import-communes-siret``: load a table SIRET → commune (where beneficiaries without a fiche are).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from moin.app import before_wiki, create_app
from moin.cli._util import drop_and_recreate_index, get_backends
from moin.storage.middleware.serialization import deserialize, serialize

from plugins.indexing.structured import get_index
from plugins.operations.accounts import make_admin
from plugins.operations.bulk import ImportRefused, read_source
from plugins.operations.bulk import import_fiches as run_import
from plugins.operations.groupes import create_group
from plugins.operations.production import admin_from_environment, load_environment
from plugins.operations.repair import moin_index_drift, repair_moin_index
from plugins.operations.seed import load_seed
from plugins.subventions.store import check, import_communes, import_file, item_name
from plugins.web import public_cache
from plugins.web.write_lock import exclusive

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED_DIR = os.path.join(ROOT, "data", "pages")


def make_app() -> Any:
    sys.path.insert(0, ROOT)

    return create_app(os.path.join(ROOT, "wikiconfig.py"))


@contextmanager
def wiki_context(app: Any) -> Iterator[None]:
    """The context moin's own commands run in (app context, storage, anonymous user), holding the wiki's
    write lock so that a command never writes at the same time as a running server (plugins/web/write_lock.py)."""


    with app.app_context(), exclusive(app, wait=600):
        before_wiki()
        yield


def progress_bar(label: str) -> Callable[[int, int], None]:
    """A progress line on the terminal (for long jobs)."""

    def show(done: int, total: int) -> None:
        if done == total or done % 50 == 0:
            width = 30
            filled = int(width * done / max(total, 1))
            click.echo(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", nl=done == total, err=True)

    return show


@click.group()
def cli() -> None:
    """Commandes du wiki des Écossolies."""


@cli.command("seed")
def seed() -> None:
    """Charge le contenu initial (data/pages) : seulement les pages qui n'existent pas encore."""

    app = make_app()
    with wiki_context(app):
        created = load_seed(app, SEED_DIR)
    click.echo(f"Contenu initial : {len(created)} page(s) créée(s).")
    for name in created:
        click.echo(f"  + {name}")


@cli.command("preparer-production")
def prepare_production() -> None:
    """Lit production.env et crée le compte administrateur qu'il demande (s'il n'existe pas)."""

    read = load_environment()
    click.echo(f"production.env : {', '.join(read) if read else 'absent ou vide'}.")
    if not os.environ.get("ECOSSOLIES_SECRET_KEY"):
        click.echo("Clé secrète : celle de l'instance (wiki/secret_key).")

    account = admin_from_environment()
    app = make_app()
    with wiki_context(app):
        drift, kept = repair_moin_index(app)  # after a crash: put moin's index right before serving
        if drift:
            click.echo(f"Index de moin mis à jour ({drift} écart(s) avec le stockage, {len(kept)} mis de côté).")
        counts = get_index(app).verify(repair=True)
        click.echo(f"Index structuré : {counts['perimees'] + counts['en_trop']} élément(s) réparé(s).")
        public_cache.bump(app)  # new code may answer differently: no page kept by the one before is served
        click.echo("Cache des pages publiques : renouvelé.")
        if account:
            try:
                click.echo(make_admin(app, *account))
            except ValueError as exc:
                raise click.ClickException(str(exc)) from None


@cli.command("admin")
@click.option("--name", "-n", required=True, help="Nom du compte")
@click.option("--email", "-e", required=True, help="Courriel")
@click.option("--password", "-p", required=True, help="Mot de passe")
def admin(name: str, email: str, password: str) -> None:
    """Crée un compte (s'il n'existe pas) et le met dans le groupe des administrateurs."""

    app = make_app()
    with wiki_context(app):
        try:
            message = make_admin(app, name, email, password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(message)


@cli.command("groupe")
@click.option("--nom", required=True, help="Nom du groupe de travail, par exemple « Culture »")
@click.option("--membres", default="", help="Comptes membres, séparés par des virgules")
def working_group(nom: str, membres: str) -> None:
    """Crée un groupe de travail (groupe moin et espace GroupesDeTravail/<nom>) ou lui ajoute des membres."""

    app = make_app()
    with wiki_context(app):
        try:
            report = create_group(app, nom.strip(), [m.strip() for m in membres.split(",") if m.strip()])
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Groupe de travail « {nom} » : {report}.")


@cli.command("reindex")
def reindex() -> None:
    """Reconstruit l'index structuré à partir du stockage de moin."""

    app = make_app()
    with wiki_context(app):
        count = get_index(app).rebuild(progress=progress_bar("Index structuré"))
    click.echo(f"Index structuré reconstruit : {count} élément(s) lu(s).")


@cli.command("verifier-index")
@click.option("--reparer", is_flag=True, help="Met à jour ce qui diffère")
def check_index(reparer: bool) -> None:
    """Compare les index (celui de moin et l'index structuré) au stockage ; code 1 s'ils diffèrent (sans --reparer)."""

    app = make_app()
    with wiki_context(app):
        if reparer:
            drift, kept = repair_moin_index(app)  # moin's own « index-update », after setting aside broken revisions
            for path in kept:
                click.echo(f"Révision illisible (écriture interrompue) mise de côté : {path}")
        else:
            drift = moin_index_drift(app.storage)
        click.echo(
            f"Index de moin : {drift} révision(s) en écart avec le stockage"
            + (" ; réparé." if drift and reparer else ".")
        )
        counts = get_index(app).verify(repair=reparer)
    click.echo(
        f"{counts['pages']} élément(s) ; {counts['a_jour']} à jour, {counts['perimees']} périmé(s), "
        f"{counts['en_trop']} en trop"
        + (" ; réparé." if reparer and (counts["perimees"] or counts["en_trop"]) else ".")
    )
    if not reparer and (drift or counts["perimees"] or counts["en_trop"]):
        sys.exit(1)


@cli.command("sauvegarder")
@click.argument("fichier", type=click.Path(dir_okay=False))
def backup(fichier: str) -> None:
    """Sauvegarde tout le wiki (pages, historique, comptes) dans un fichier, au format de moin (moin save).

    Prise sous le verrou d'écriture du wiki : la copie est cohérente même si le serveur tourne.
    """

    app = make_app()
    partial = fichier + ".en-cours"
    with wiki_context(app):
        revisions = sum(1 for _ in app.storage.backend)
        with open(partial, "wb") as f:
            for backend in get_backends(None, True):
                serialize(backend, f)
        os.replace(partial, fichier)  # a backup cut short never passes for a whole one
    click.echo(f"Sauvegarde : {revisions} révision(s) dans {fichier} ({os.path.getsize(fichier)} octets).")


@cli.command("restaurer")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False))
def restore(fichier: str) -> None:
    """Restaure une sauvegarde dans une instance neuve (sans aucune page), puis reconstruit les index."""


    app = make_app()
    with wiki_context(app):
        if any(True for _ in app.storage.backend):
            raise click.ClickException(
                "cette instance contient déjà des pages : restaurez dans une instance neuve "
                "(un dossier wiki/ vide, ou ECOSSOLIES_INSTANCE=… ailleurs) ; rien n'a été modifié."
            )
        with open(fichier, "rb") as f:
            deserialize(f, app.storage.backend)
        drop_and_recreate_index(app.storage)
        pages = get_index(app).rebuild()
        revisions = sum(1 for _ in app.storage.backend)
    click.echo(f"Restauration : {revisions} révision(s), {pages} élément(s) ; index reconstruits.")


@cli.command("import-fiches")
@click.argument("source", type=click.Path(exists=True))
@click.option("--prefixe", default=None, help="Début du nom des pages créées (par défaut : le dossier de leur type)")
@click.option("--type", "type_name", default="fiche", show_default=True, help="Type des lignes sans colonne « type »")
@click.option("--essai", is_flag=True, help="Vérifie tout sans rien écrire")
def import_fiches(source: str, prefixe: str | None, type_name: str, essai: bool) -> None:
    """Crée des pages (fiches, lieux… : l'export CSV de tout type) depuis un fichier CSV, ou des pages depuis un
    dossier : tout ou rien."""

    try:
        pages = read_source(source, prefixe, type_name)
    except ImportRefused as exc:
        _report_refusal(exc)
        sys.exit(1)
    app = make_app()
    with wiki_context(app):
        try:
            created = run_import(app, pages, dry_run=essai, progress=progress_bar("Import"))
        except ImportRefused as exc:
            _report_refusal(exc)
            sys.exit(1)
    verb = "seraient créées" if essai else "créées"
    click.echo(f"Import réussi : {len(created)} fiche(s) {verb}.")


@cli.command("import-subventions")
@click.argument("fichiers", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--origine", default="", help="Où le fichier a été publié (adresse web), gardé avec lui")
@click.option("--essai", is_flag=True, help="Dit ce que contient chaque fichier, sans rien écrire")
def import_subventions(fichiers: tuple[str, ...], origine: str, essai: bool) -> None:
    """Importe des fichiers de subventions (format SCDL 1.x ou 2.x) : tout ou rien, sans doublon.

    Chaque ligne de chaque fichier est vérifiée avant que rien ne soit écrit : une seule ligne fausse, et aucun
    des fichiers n'est importé. Avant d'écrire, la commande dit ce qu'elle a trouvé (lignes, total, années,
    attribuants, avertissements par sorte) ; avec --essai, elle s'arrête là. Réimporter un fichier déjà importé
    ne change rien.
    """

    checked, failed = [], False
    for path in fichiers:
        with open(path, "rb") as f:
            data = f.read()
        click.echo(f"{os.path.basename(path)} : vérification…", err=True)
        try:
            item_name(path)
            result = check(data, progress=progress_lines("Lignes vérifiées"))
            checked.append((path, data, result))
            click.echo(f"{os.path.basename(path)} : ce que contient le fichier")
            for line in result.summary():
                click.echo("  " + line)
            for line in result.warning_lines():
                click.echo("    " + line)
        except ImportRefused as exc:
            click.echo(f"{os.path.basename(path)} :", err=True)
            _report_refusal(exc)
            failed = True
    if failed:
        if len(fichiers) > 1:
            click.echo("Aucun des fichiers n'a été importé.", err=True)
        sys.exit(1)
    if essai:
        click.echo("Essai : rien n'a été écrit.")
        return
    app = make_app()
    with wiki_context(app):
        for path, data, result in checked:
            click.echo(f"{os.path.basename(path)} : enregistrement dans le wiki…", err=True)
            report = import_file(app, data, os.path.basename(path), origine=origine, checked=result)
            click.echo(str(report))


@cli.command("import-communes-siret")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False))
@click.option("--origine", default="", help="D'où vient la table (adresse web)")
def import_siret_communes(fichier: str, origine: str) -> None:
    """Charge une table SIRET → commune (colonnes « siret » et « commune ») : tout ou rien."""

    with open(fichier, "rb") as f:
        data = f.read()
    app = make_app()
    with wiki_context(app):
        try:
            click.echo(import_communes(app, data, os.path.basename(fichier), origine=origine))
        except ImportRefused as exc:
            _report_refusal(exc)
            sys.exit(1)


def progress_lines(label: str) -> Callable[[int, int], None]:
    """Progress of a long check, on stderr (the number of lines is known only roughly beforehand)."""

    def show(done: int, total: int) -> None:
        percent = min(100, int(100 * done / max(total, 1)))
        click.echo(f"\r{label} : {done} ({percent} %)", nl=done >= total, err=True)

    return show


def _report_refusal(exc: Any) -> None:
    click.echo(f"Import refusé, rien n'a été écrit : {exc.summary}", err=True)
    for line in exc.rows:
        click.echo(f"  {line}", err=True)


def main() -> None:
    cli(prog_name="python -m plugins.operations.cli")


if __name__ == "__main__":
    main()
