"""The command line (`disclosure ...` or `python -m disclosure ...`): thin, calling the same services."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy import make_url, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from disclosure import audit, demo, migrations, wiring
from disclosure.accounts import service as accounts
from disclosure.accounts.models import User
from disclosure.accounts.roles import Role
from disclosure.audit import SystemActor
from disclosure.config import ConfigurationError, Settings
from disclosure.db import create_db_engine, create_session_factory, unit_of_work
from disclosure.errors import DisclosureError, FormInvalid, NotFound
from disclosure.letters.vocabulary import LetterKind
from disclosure.requests import stored_deadlines
from disclosure.storage import LocalFileStore, store_for


def _settings() -> Settings:
    """The configuration, or a plain message naming the variable that is wrong (never a traceback)."""
    try:
        return Settings.from_env()
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc


@contextmanager
def _unit(settings: Settings) -> Iterator[Session]:
    """One unit of work on a short-lived engine, disposed afterwards (no connection outlives the command).
    A database that cannot be reached or is not migrated yet is told plainly, not as a traceback."""
    engine = create_db_engine(settings.database_url)
    try:
        with unit_of_work(create_session_factory(engine)) as session:
            yield session
    except (OperationalError, ProgrammingError) as exc:
        raise click.ClickException(
            f"The database cannot be used ({_first_line(exc)}). "
            "Check DISCLOSURE_DATABASE_URL and run `disclosure migrate`."
        ) from exc
    finally:
        engine.dispose()


def _first_line(exc: OperationalError | ProgrammingError) -> str:
    text = str(exc.orig or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _ensure_sqlite_dir(settings: Settings) -> None:
    """SQLite creates the database file but not its folder."""
    database = make_url(settings.database_url).database if settings.is_sqlite else None
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


@click.group()
def main() -> None:
    """Disclosure service: Clare's Law, Sarah's Law and missing-person coordination."""
    wiring.connect()


@main.command()
def migrate() -> None:
    """Apply every database migration (safe to repeat)."""
    settings = _settings()
    _ensure_sqlite_dir(settings)
    try:
        migrations.upgrade(settings.database_url)
    except OperationalError as exc:
        raise click.ClickException(f"The database cannot be reached ({_first_line(exc)}).") from exc
    click.echo("Database is up to date.")
    _deadlines_current(settings)


def _deadlines_current(settings: Settings) -> None:
    """Recompute the open cases' stored next deadlines if the bank holidays, nation, clock policies or the
    way deadlines are counted changed since they were computed (`requests.stored_deadlines`)."""
    with _unit(settings) as session:
        changed = stored_deadlines.recompute_if_basis_changed(session)
    if changed:
        click.echo(
            f"Deadlines recomputed under the current bank holidays and clock policies: {changed} moved."
        )


@main.group()
def deadlines() -> None:
    """The open cases' stored next deadlines, which order the work queue."""


@deadlines.command("recompute")
def deadlines_recompute() -> None:
    """Recompute every open case's next deadline now (start-up does so when the bank holidays change)."""
    with _unit(_settings()) as session:
        changed = stored_deadlines.recompute_all(session)
    click.echo(f"Deadlines recomputed: {changed} moved.")


@main.command("setup-link")
def setup_link() -> None:
    """Print a one-time set-up link for the first administrator (only while no account exists)."""
    settings = _settings()
    with _unit(settings) as session:
        link = accounts.issue_setup_link(session, settings)
    if link is None:
        click.echo("Accounts already exist; no set-up link is needed.")
    else:
        _print_setup_link(settings, link)


def _print_setup_link(settings: Settings, link: str) -> None:
    click.echo("")
    click.echo("No account exists yet. Create the first administrator with this one-time link")
    click.echo(f"(it expires in {settings.setup_link_minutes} minutes):")
    click.echo("")
    click.echo(f"    {link}")
    click.echo("")


@main.command()
@click.option("--host", default=None, help="Interface to listen on (DISCLOSURE_HOST).")
@click.option("--port", default=None, type=int, help="Port (DISCLOSURE_PORT).")
@click.option("--workers", default=None, type=int, help="Worker processes (DISCLOSURE_WORKERS).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the application under uvicorn, printing the set-up link first if no account exists."""
    from disclosure import server

    settings = _settings()
    _deadlines_current(settings)  # once, before the workers start
    with _unit(settings) as session:
        link = accounts.issue_setup_link(session, settings)
    if link:
        _print_setup_link(settings, link)
    server.serve(host or settings.host, port or settings.port, workers or settings.workers)


@main.group()
def users() -> None:
    """Create and manage user accounts."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="Full name.")
@click.option("--email", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role]))
def users_create(username: str, display_name: str, email: str, roles: tuple[str, ...]) -> None:
    """Create a user and print their one-time invitation link."""
    settings = _settings()
    try:
        with _unit(settings) as session:
            values: dict[str, object] = {
                "username": username,
                "display_name": display_name,
                "email": email,
                "roles": list(roles),
            }
            user, link = accounts.create_user(session, SystemActor(label="cli"), settings, values)
    except FormInvalid as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from exc
    click.echo(f"Created {user.username}. Invitation link (works once):\n    {link}")


@users.command("list")
def users_list() -> None:
    """List accounts with their roles and status."""
    settings = _settings()
    with _unit(settings) as session:
        for user in accounts.list_users(session):
            status = "disabled" if not user.is_active else ("invited" if not user.password_hash else "active")
            click.echo(f"{user.username:24} {status:9} {','.join(sorted(user.role_set))}")


@users.command("reset-mfa")
@click.argument("username")
def users_reset_mfa(username: str) -> None:
    """Forget a user's authenticator app; they set up a new one at their next sign-in."""
    settings = _settings()
    with _unit(settings) as session:
        user = session.scalar(select(User).where(User.username == accounts.normalise_username(username)))
        if user is None:
            raise click.ClickException(f"No user called {username}")
        accounts.reset_mfa(session, SystemActor(label="cli"), user.id)
    click.echo(f"Authenticator app reset for {username}; their sessions have ended.")


@main.group()
def attachments() -> None:
    """Evidence attachment files."""


@attachments.command("orphans")
@click.option("--remove", is_flag=True, help="Delete them (audited); without it, only list them.")
def attachments_orphans(remove: bool) -> None:
    """List files in the local attachment store that no attachment record refers to (older than an hour)."""
    from disclosure.research import service as research

    settings = _settings()
    store = store_for(settings)
    if not isinstance(store, LocalFileStore):
        click.echo("Attachments are kept in the database, with their records: there is nothing to sweep.")
        return
    with _unit(settings) as session:
        orphans = research.sweep_orphan_files(session, store, SystemActor(label="cli"), remove=remove)
    for key in orphans:
        click.echo(key)
    verb = "Removed" if remove else "Found"
    click.echo(f"{verb} {len(orphans)} file(s) with no attachment record in {store.root}.")


@main.group()
def letters() -> None:
    """Letters for cases."""


@letters.command("render")
@click.argument("reference")
@click.argument("kind", type=click.Choice([k.value for k in LetterKind]))
@click.option("--target", default="", help="For a partner agency request: the request's id.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
def letters_render(reference: str, kind: str, target: str, out_dir: Path) -> None:
    """Write one letter for a case as PDF and Word files into --out (for batch printing; audited)."""
    from disclosure.letters import service as letters_service

    settings = _settings()
    try:
        with _unit(settings) as session:
            stem, pdf, docx = letters_service.render_for_print(
                session, SystemActor(label="cli"), reference, kind, target
            )
    except DisclosureError as exc:
        raise click.ClickException(exc.message) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{stem}.pdf").write_bytes(pdf)
    (out_dir / f"{stem}.docx").write_bytes(docx)
    click.echo(f"Wrote {out_dir / stem}.pdf and .docx")


@main.group("missing")
def missing_group() -> None:
    """Missing-person coordination: the police feed and partner notifications."""


@missing_group.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", required=True, help="The data administrator the import is recorded for.")
@click.option(
    "--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Another layout."
)
def missing_import(csv_file: Path, username: str, mapping: Path | None) -> None:
    """Import the police missing-person feed (CSV), with a progress bar; bad rows are listed by line."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from disclosure.missing import feed

    settings = _settings()
    data = csv_file.read_bytes()
    engine = create_db_engine(settings.database_url)
    try:
        with create_session_factory(engine)() as session:
            user = session.scalar(select(User).where(User.username == username.strip().lower()))
            if user is None or Role.DATA_ADMINISTRATOR.value not in user.role_set or user.disabled_at:
                raise click.ClickException(f"{username} is not an active data administrator")
            actor = SystemActor(label=f"cli:{user.username}", user_id=user.id)
            try:
                layout = (
                    feed.Layout.from_mapping(mapping.read_bytes(), mapping.stem) if mapping else feed.Layout()
                )
                record = feed.start_import(session, actor, filename=csv_file.name, data=data, layout=layout)
                session.commit()
                with Progress(
                    "[progress.description]{task.description}",
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                ) as bar:
                    task = bar.add_task("Importing rows", total=None)
                    outcome = feed.run_import(
                        session,
                        actor,
                        record,
                        data,
                        layout,
                        progress=lambda done, total: bar.update(task, completed=done, total=total),
                        commit=session.commit,
                    )
            except FormInvalid as exc:
                raise click.ClickException("; ".join(exc.errors.values())) from exc
    except (OperationalError, ProgrammingError) as exc:
        raise click.ClickException(f"The database cannot be used ({_first_line(exc)})") from exc
    finally:
        engine.dispose()
    click.echo(
        f"{outcome.total} rows: {outcome.loaded} loaded ({outcome.to_confirm} to confirm), {outcome.updated} "
        f"closed by a return, {outcome.unchanged} already loaded, {outcome.rejected} refused"
    )
    for line, reference, reason in outcome.problems[:200]:
        click.echo(f"  line {line}{f' ({reference})' if reference else ''}: {reason}")
    if len(outcome.problems) > 200:
        click.echo(f"  ... and {len(outcome.problems) - 200} more: see the import's page")


@missing_group.command("dispatch")
def missing_dispatch() -> None:
    """Send due partner digests, escalate unacknowledged urgent notices, queue the waiting-work emails, send
    the outbox and run the feed imports waiting (marking failed any cut off by a restart); for cron."""
    from disclosure.missing.dispatcher import run_once

    settings = _settings()
    engine = create_db_engine(settings.database_url)
    try:
        result = run_once(create_session_factory(engine), settings)
    except (OperationalError, ProgrammingError) as exc:
        raise click.ClickException(f"The database cannot be used ({_first_line(exc)})") from exc
    finally:
        engine.dispose()
    click.echo(
        f"{result.digests_sent} digests sent, {result.escalated} escalated, {result.other_mail} waiting-work "
        f"emails; mail: {result.mail_sent} sent, "
        f"{result.mail_failed} failed, {result.mail_waiting} waiting"
        + ("" if settings.smtp_host else " (no DISCLOSURE_SMTP_HOST: partners read them in the service)")
        + f"; feed imports: {result.imports_run} run, {result.imports_cut_off} cut off"
    )


@main.command("check")
@click.option("--deploy", is_flag=True, help="Also every setting a service holding real records needs.")
def check_command(deploy: bool) -> None:
    """Check that the database is reachable and migrated; with --deploy, refuse unsafe settings (debug,
    a weak secret, plain HTTP, insecure cookies, SQLite without WAL and full sync, attachments where they
    are served). Exit 1 if any check fails."""
    from disclosure import deploy as deployment

    settings = _settings()
    results = deployment.checks(settings) if deploy else deployment.database(settings)
    for result in results:
        click.echo(f"{'PASS' if result.passed else 'FAIL'}  {result.name}")
        if not result.passed:
            click.echo(f"      {result.advice}")
    failed = sum(1 for r in results if not r.passed)
    if failed:
        click.echo(f"{failed} of {len(results)} checks failed.", err=True)
        sys.exit(1)
    click.echo(f"All {len(results)} checks passed.")


@main.group("audit")
def audit_group() -> None:
    """The audit trail."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; exit 1 and name each break if anything was edited, deleted or moved."""
    settings = _settings()
    with _unit(settings) as session:
        report = audit.verify(session)
    if report.intact:
        click.echo(f"Audit chain intact: {report.checked} events; head {report.head_seq} {report.head_hash}")
        return
    click.echo(f"Audit chain BROKEN ({len(report.problems)} problems in {report.checked} events):", err=True)
    for problem in report.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@main.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(archive: Path) -> None:
    """Write the database and its attachment files, checked, into one new ARCHIVE file (while serving)."""
    from disclosure import backup

    try:
        outcome = backup.backup(_settings(), archive)
    except backup.BackupRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up to {outcome.path}: {backup.summary(outcome)}.")
    for note in outcome.notes:
        click.echo(f"Note: {note}", err=True)


@main.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Move the database and attachments there now aside first.")
@click.option("--check-only", is_flag=True, help="Only check the archive against its manifest.")
def restore_command(archive: Path, replace: bool, check_only: bool) -> None:
    """Restore a backup ARCHIVE, verified (counts, file checksums, audit chain); stop the service first."""
    from disclosure import backup

    try:
        if check_only:
            manifest = backup.verify_archive(archive)
            click.echo(f"{archive} is whole: taken {manifest.created_at} from {manifest.engine}.")
            return
        outcome = backup.restore(_settings(), archive, replace=replace)
    except backup.BackupRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {archive} (taken {outcome.manifest.created_at}): {backup.summary(outcome)}.")
    for note in outcome.notes:
        click.echo(f"Note: {note}")


@main.group("people")
def people_group() -> None:
    """The people index's matching model: see the README, "People index"."""


@people_group.command("train-matcher")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the pairs sampled.")
def people_train_matcher(seed: int) -> None:
    """Estimate the matching model from the people index and put it in use as the next version."""
    from disclosure.people import training

    with _unit(_settings()) as session:
        try:
            trained = training.train(session, seed=seed)
        except FormInvalid as exc:
            raise click.ClickException(" ".join(exc.errors.values())) from exc
        version = training.record_training(session, SystemActor(label="cli"), trained)
        figures = trained.summary
    click.echo(
        f"Matching model version {version.number} in use: trained on {figures['people']:,} people, "
        f"{figures['random_pairs']:,} random pairs for u, and for m {figures['birthday_pairs']:,} pairs "
        f"born on the same day and {figures['namesakes_pairs']:,} pairs of namesakes "
        f"({figures['m_kept']} comparisons kept their m). `disclosure people use-matcher N` puts one back."
    )


@people_group.command("matcher-versions")
def people_matcher_versions() -> None:
    """List the matching model's versions, the one in use marked."""
    from disclosure.people import training

    with _unit(_settings()) as session:
        rows = [
            f"{'*' if v.in_use else ' '} {v.number:>4}  {v.made_by:<10}  {v.created_at:%Y-%m-%d %H:%M}  "
            f"possible {v.possible}%  likely {v.likely}%  {v.population:,} people"
            for v in training.versions(session)
        ]
    click.echo("\n".join(rows) if rows else "No versions yet: matching uses the shipped defaults.")


@people_group.command("use-matcher")
@click.argument("number", type=int)
def people_use_matcher(number: int) -> None:
    """Put matching model version NUMBER in use (an earlier one, to undo a training)."""
    from disclosure.people import training

    with _unit(_settings()) as session:
        try:
            training.use_version(session, SystemActor(label="cli"), number)
        except NotFound as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Matching model version {number} is in use.")


@people_group.command("matcher-thresholds")
@click.option("--possible", type=int, required=True, help="Percentage from which a match is shown.")
@click.option("--likely", type=int, required=True, help="Percentage from which a match is called likely.")
def people_matcher_thresholds(possible: int, likely: int) -> None:
    """Change the possible and likely thresholds (a new version, in use at once)."""
    from disclosure.people import training

    with _unit(_settings()) as session:
        try:
            version = training.set_thresholds(session, SystemActor(label="cli"), possible, likely)
        except FormInvalid as exc:
            raise click.ClickException(" ".join(exc.errors.values())) from exc
    click.echo(f"Matching model version {version.number} in use: possible {possible}%, likely {likely}%.")


@main.group("retention")
def retention_group() -> None:
    """The review schedule (MoPI): see the README, "Retention and disposal"."""


@retention_group.command("scan")
def retention_scan() -> None:
    """Bring the review schedule up to date now (the service does it daily)."""
    from disclosure.retention import schedule

    with _unit(_settings()) as session:
        found = schedule.scan(session)
    click.echo(f"Review schedule: {found.added} records added, {found.changed} rescheduled, {found.due} due.")


@main.group("demo", invoke_without_command=True)
@click.option("--scale", type=click.IntRange(min=1), help="Generate a synthetic force of this many requests.")
@click.option("--years", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Spread over.")
@click.option("--seed", type=int, default=17, show_default=True, help="The same seed draws the same data.")
@click.pass_context
def demo_group(context: click.Context, scale: int | None, years: float, seed: int) -> None:
    """The synthetic demo data set (never in production). `--scale N` adds N synthetic requests, with their
    people, panels, letters' deliveries, missing episodes and audit trail (see the README, "Scale")."""
    if scale is None:
        if context.invoked_subcommand is None:
            click.echo(context.get_help())
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from disclosure.synthetic import generate

    settings = _settings()
    engine = create_db_engine(settings.database_url)
    try:
        with Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
        ) as bar:
            task = bar.add_task("Synthetic requests", total=scale)
            made = generate.generate(
                create_session_factory(engine),
                settings,
                scale,
                years=years,
                seed=seed,
                progress=lambda done, wanted: bar.update(task, completed=min(done, wanted)),
            )
    except DisclosureError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        engine.dispose()
    click.echo(
        f"Synthetic force added: {made.requests:,} requests ({made.open_requests:,} open), "
        f"{made.people:,} people, {made.episodes:,} missing episodes, {made.audit_events:,} audit events."
    )


@demo_group.command("load")
def demo_load() -> None:
    """Load demo users for every role (idempotent)."""
    settings = _settings()
    try:
        with _unit(settings) as session:
            created = demo.load(session, settings)
            cases = demo.load_requests(session)
    except DisclosureError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Synthetic demo data loaded ({len(created)} new users, {cases} new requests).")
    click.echo(f"Every demo user's password is: {demo.DEMO_PASSWORD}")
    click.echo("Get a security code with: disclosure demo code USERNAME")
    for username, (name, _) in demo.DEMO_USERS.items():
        click.echo(f"  {username:20} {name}")


@demo_group.command("code")
@click.argument("username")
def demo_code(username: str) -> None:
    """Print the current security code of a demo user."""
    try:
        click.echo(demo.current_code(username))
    except DisclosureError as exc:
        raise click.ClickException(exc.message) from exc
