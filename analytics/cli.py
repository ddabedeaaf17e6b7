"""Command line: python -m analytics {init,seed-sample,metrics,import,export,publish,backup,restore-backup,
uploads,rollback,restore} --db PATH

Exit codes: 0 done, 1 input refused (or the warehouse could not be used), 2 usage error.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import secrets
import shlex
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import datetime
from functools import partial
from pathlib import Path

import duckdb

from analytics import access, definitions, releases, store
from analytics.backup import BackupNotWritten, back_up, default_backup_file
from analytics.contracts import FACT_KINDS, kind_for_table
from analytics.definitions import SMALL_CELL_THRESHOLD
from analytics.ducklake import is_ducklake
from analytics.goals import GoalsFileError, load_goals
from analytics.headline import headline_metrics
from analytics.ingest import Answers, check_upload, save_checked
from analytics.ingest.reading import DEFAULT_LIMITS
from analytics.metrics import Filters
from analytics.paths import PROJECT_ROOT, default_db_path
from analytics.schema import migrations, schema_version
from analytics.seed import ensure_organizations, seed_sample
from analytics.settings import SETTINGS_FILE
from analytics.sql_files import sql
from analytics.text import terminal_safe
from analytics.trouble import diagnose
from analytics.warehouse import connect

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
LOG_FILE = PROJECT_ROOT / "logs" / "analytics.log"
log = logging.getLogger("analytics.cli")
# What to pass for each thing a file may leave unsaid.
_FLAGS = {
    "school_year": "--school-year 2023-24",
    "job_class": "--job-class Teacher",
    "district": "--district CODE",
    "sheet": "--sheet NAME",
    "organization": "--organization CODE",
    "student_group": "--student-group NAME",
}


# What each command would do that a read-only command line (operator_role = "viewer") refuses: every write,
# and the reads that show more than a viewer sees. (`init` is decided in cmd_init: it may have nothing to do.)
READ_ONLY_REFUSED = {
    "seed-sample": "load the bundled sample data",
    "import": "check or save a file as an upload",
    "rollback": "roll back an upload",
    "restore": "restore a rolled-back upload",
    "restore-backup": "put a backup in the warehouse's place",
    "backup": "copy the whole warehouse (every upload, the audit log and the roles: more than a viewer sees)",
    "uploads": "list the uploads (the history is for district uploaders and DESE)",
    "publish": "release figures to the dashboard's viewers",
}


class Refused(Exception):
    """A command refused before it changed anything; the message says why, for the person running it."""


def _operator(args: argparse.Namespace) -> access.Actor:
    """Who the command line acts as, for this command (its --who, where it takes one)."""
    return access.operator(getattr(args, "who", None))


def _read_only_setting() -> str:
    """Where the command line was made read-only, as the person would change it."""
    if os.environ.get("DASHBOARD_OPERATOR_ROLE"):
        return f"DASHBOARD_OPERATOR_ROLE={os.environ['DASHBOARD_OPERATOR_ROLE'].strip()}"
    return f'operator_role = "viewer" in [access] of {SETTINGS_FILE}'


def _refuse_read_only(args: argparse.Namespace, actor: access.Actor, what: str) -> int:
    """Refuse a command a viewer may not run: say so, record it in the audit log (the only write), exit 1."""
    print(
        f"Error: the command line acts as a viewer here ({_read_only_setting()}), and a viewer may not {what}; "
        "nothing was changed.",
        file=sys.stderr,
    )
    unrecorded = _record_refusal(
        args, actor, f"`{_as_typed(args)}` ({_read_only_setting()}): a viewer may not {what}"
    )
    if unrecorded:
        print(f"The refusal could not be recorded in the audit log: {unrecorded}", file=sys.stderr)
    else:
        print(f"The refusal is recorded in the audit log, as {actor.recorded_as}.", file=sys.stderr)
    return EXIT_REFUSED


def _as_typed(args: argparse.Namespace) -> str:
    """The command as it was typed, without its --db (the audit log is the warehouse's own)."""
    typed, words = [], iter(getattr(args, "argv", [args.command]))
    for word in words:
        if word == "--db":
            next(words, None)
        elif not word.startswith("--db="):
            typed.append(word)
    return shlex.join(typed)


def _record_refusal(args: argparse.Namespace, actor: access.Actor, detail: str) -> str | None:
    """Add a refusal to the warehouse's audit log, changing nothing else: None once recorded, else why it
    could not be (no warehouse, one from an older version, which recording would bring up to date, or one
    that cannot be opened for writing)."""
    if not _exists(args.db):
        return f"there is no warehouse at {args.db} (none was created to record it)."
    try:
        probe = connect(args.db, read_only=True)
        try:
            pending = _pending_migrations(probe)
        finally:
            probe.close()
        if pending:
            return (
                f"the warehouse {args.db} is from an older version of the dashboard, and recording it would "
                "bring it up to date (a change)."
            )
        con = connect(args.db)
        try:
            access.record_refusal(con, actor, detail)
        finally:
            con.close()
    except duckdb.Error as problem:
        log.exception("recording a refusal in %s", args.db)
        return diagnose(problem, args.db).message
    return None


def _pending_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The migrations not yet applied to the warehouse (what opening it for writing would apply)."""
    done = (
        {row[0] for row in con.execute(sql("migrations_applied")).fetchall()}
        if schema_version(con)
        else set()
    )
    return sorted(version for version, _, _ in migrations() if version not in done)


def _open(args: argparse.Namespace) -> duckdb.DuckDBPyConnection:
    return connect(args.db)


def _exists(db: Path) -> bool:
    """Whether there is a warehouse at `db`: the file, or a shared warehouse's catalog (`ducklake:…`, which
    its PostgreSQL database holds; connecting says if it cannot be reached)."""
    return is_ducklake(db) or db.exists()


# How long a reading command waits while the dashboard writes (it holds the file for a moment per save).
READ_WAIT_SECONDS = 15.0


def _open_to_read(args: argparse.Namespace, *, bring_up_to_date: bool = True) -> duckdb.DuckDBPyConnection:
    """The warehouse for a command that only reads: opened for writing when nothing else has it and
    `bring_up_to_date` (so an older file is migrated first), else read-only, beside a running dashboard (which
    keeps it read-only between its saves); during a save, it waits its turn, up to READ_WAIT_SECONDS. A
    read-only command line (a viewer's) never opens it for writing: it neither creates nor migrates one."""
    deadline = time.monotonic() + READ_WAIT_SECONDS
    viewer = _operator(args).role == access.VIEWER
    if viewer and not _exists(args.db):
        raise Refused(
            f"Error: no warehouse at {args.db} (the command line is read-only here: it creates none)."
        )
    if not viewer and (bring_up_to_date or not args.db.exists()):
        try:
            return connect(args.db)
        except duckdb.IOException as problem:
            if diagnose(problem, args.db).kind != "busy":
                raise
    while True:
        try:
            con = connect(args.db, read_only=True)
            break
        except duckdb.IOException as problem:
            if diagnose(problem, args.db).kind != "busy" or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    if viewer and bring_up_to_date and _pending_migrations(con):
        con.close()
        raise Refused(
            f"Error: the warehouse {args.db} is from an older version of the dashboard, and the command line is "
            f"read-only here ({_read_only_setting()}): a reviewer brings it up to date with `init`."
        )
    return con


def cmd_init(args: argparse.Namespace) -> int:
    actor = _operator(args)
    if actor.role == access.VIEWER:
        return _init_read_only(args, actor)
    con = _open(args)
    added = ensure_organizations(con)
    print(
        f"Warehouse ready at {args.db} (schema version {schema_version(con)}; {added} organizations added)."
    )
    return EXIT_OK


def _init_read_only(args: argparse.Namespace, actor: access.Actor) -> int:
    """`init` on a read-only command line: done when there is nothing to do (the warehouse is up to date and
    holds the organizations); refused, changing nothing, when it would create, migrate or load anything."""
    if not _exists(args.db):
        return _refuse_read_only(args, actor, f"create a new warehouse at {args.db}")
    con = _open_to_read(args, bring_up_to_date=False)
    try:
        version, pending = schema_version(con), _pending_migrations(con)
        organizations = 0 if pending else con.execute(sql("organizations_count")).fetchall()[0][0]
    finally:
        con.close()
    if pending:
        return _refuse_read_only(
            args, actor, f"bring the warehouse up to date (schema version {version} to {max(pending)})"
        )
    if not organizations:
        return _refuse_read_only(args, actor, "load the organizations into the warehouse")
    print(f"Warehouse ready at {args.db} (schema version {version}; nothing to do).")
    return EXIT_OK


def cmd_seed_sample(args: argparse.Namespace) -> int:
    con = _open(args)
    already = con.execute("SELECT count(*) FROM live_uploads WHERE is_sample").fetchall()[0][0]
    if already and not args.force:
        print("Sample data is already loaded (use --force to load it again as new uploads).")
        return EXIT_OK
    saved = seed_sample(con, actor=_operator(args))  # recorded and audited as the operator who ran it
    for s in saved:
        print(f"loaded sample {s.kind_name}: {s.rows:,} rows (upload {s.upload_id})")
    return EXIT_OK


def _figures_for(args: argparse.Namespace) -> bool:
    """Whether the command line shows the released figures (a viewer operator sees what a visitor who has
    not signed in sees) rather than the current ones (DESE's)."""
    return not _operator(args).is_dese


def cmd_metrics(args: argparse.Namespace) -> int:
    goals = load_goals(args.goals) if args.goals else load_goals()
    con = _open_to_read(args)
    try:
        figures = headline_metrics(con, goals, Filters(released=_figures_for(args)))
    finally:
        con.close()
    if args.json:
        # Strict JSON: a figure that is not a number is null, never NaN or Infinity (which JSON lacks).
        print(json.dumps(figures, indent=2, allow_nan=False))
        return EXIT_OK
    s = figures["superintendents"]
    if goals.superintendents is not None:
        latest = (
            f"; latest complete year {s['latest_complete_year']}" if s.get("latest_complete_year") else ""
        )
        print(
            f"{goals.superintendents.title} (target {s['target_share']:.0%} by {s['target_year']}{latest}):"
        )
        for r in s["by_year"]:
            target = f"  target {r['target_share']:.1%}" if r.get("target_share") is not None else ""
            print(f"  {r['school_year']}  {_share_text(r)}{target}")
    print("Goals:")
    for goal in figures.get("goals", []):
        print(f"  {terminal_safe(goal['title'])}: {_goal_text(goal)}")
    return EXIT_OK


def _goal_text(goal: dict) -> str:
    """One goal's line: its figure, as of when, and whether it is on track (where a verdict applies)."""
    if goal["value"] is None:
        return "nothing can be shown"
    value = f"{goal['value']:.1%}" if goal["unit"] == "share" else f"{goal['value']:,.0f}"
    verdict = {True: "on track", False: "behind", None: ""}[goal["on_track"]]
    as_of = f" ({goal['as_of']})" if goal["as_of"] else ""
    return f"{value}{as_of}" + (f", {verdict}" if verdict else "")


def _share_text(year: dict) -> str:
    """One year's share in words: the figure, or why it is not shown (partial year, small group)."""
    if year.get("complete") is False:
        return (
            f"—  partial: {year.get('organizations_reported', 0):,} of "
            f"{year.get('organizations_expected', 0):,} organizations reported"
        )
    if year.get("share") is None:
        return f"—  hidden (fewer than {SMALL_CELL_THRESHOLD})"
    if year.get("fte") is None or year.get("fte_of_color") is None:
        return f"{year['share']:.1%}"
    return f"{year['share']:.1%}  ({year['fte_of_color']:g} of {year['fte']:g} FTE)"


def cmd_import(args: argparse.Namespace) -> int:
    """Check a file and, if it is clean, save it as one upload; problems go to stderr, one per line."""
    path: Path = args.file
    if not path.is_file():
        print(f"No such file: {path}", file=sys.stderr)
        return EXIT_USAGE
    if path.stat().st_size > DEFAULT_LIMITS.max_bytes:
        print(
            f"Error: the file is {path.stat().st_size / 1_048_576:,.1f} MB; the limit is "
            f"{DEFAULT_LIMITS.max_bytes / 1_048_576:,.0f} MB. Split it (for example by school year).",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    answers = Answers(
        args.school_year, args.job_class, args.district, args.sheet, args.organization, args.student_group
    )
    # A warehouse that does not exist yet is created only when something is saved: a refused file leaves
    # no trace. Until then, organizations are checked against the project's list.
    con = connect(args.db) if _exists(args.db) else None
    try:
        checked = check_upload(
            con, args.kind, path.read_bytes(), path.name, answers, actor=access.operator(args.who)
        )
        return _import_checked(args, con, checked)
    finally:
        if con is not None:
            con.close()


def _import_checked(args: argparse.Namespace, con: duckdb.DuckDBPyConnection | None, checked) -> int:
    """Report a checked file, and save it unless it was refused or this is a dry run."""
    if not checked.can_save:
        for q in checked.questions:
            what = q.prompt.split(":")[0].lower()
            print(f"Error: {what}: the file does not say; give {_FLAGS[q.name]}", file=sys.stderr)
        for p in checked.problems:
            print(p.message, file=sys.stderr)
        if checked.facts is not None and not len(checked.facts) and not checked.error_count:
            print("Error: the file holds no rows to import.", file=sys.stderr)
        return EXIT_REFUSED
    years = ", ".join(checked.school_years) or "none"
    if args.dry_run:
        print(
            f"checked {checked.kind.name}: {len(checked.facts):,} rows, {checked.organizations:,} organizations, "
            f"school years {years}; nothing saved (--dry-run)"
        )
    else:
        writer = con if con is not None else connect(args.db)
        try:
            ensure_organizations(writer)
            saved = save_checked(writer, checked, actor=access.operator(args.who))
        finally:
            if writer is not con:
                writer.close()
        print(
            f"imported {saved.kind_name}: {saved.rows:,} rows, {saved.organizations:,} organizations, "
            f"school years {years}, upload {saved.upload_id}"
        )
    if checked.already_saved is not None:
        # The command line keeps its contract (a clean file is saved, exit 0): the note is a warning.
        again = "nothing saved (--dry-run)" if args.dry_run else f"saved again as upload {saved.upload_id}"
        print(f"Warning: {checked.already_saved.message}; {again}.", file=sys.stderr)
    for p in checked.warnings:
        print(p.message, file=sys.stderr)
    return EXIT_OK


def _school_year_arg(text: str) -> str:
    year = definitions.parse_school_year(text)
    if year is None:
        raise argparse.ArgumentTypeError(f"not a school year: {text!r} (write it like 2023-24)")
    return year


def _job_class_arg(text: str) -> str:
    found = next((jc for jc in definitions.JOB_CLASSES if jc.lower() == text.strip().lower()), None)
    if found is None:
        raise argparse.ArgumentTypeError(
            f"not a job class: {text!r} (one of {', '.join(definitions.JOB_CLASSES)})"
        )
    return found


def _district_arg(text: str) -> str:
    code = definitions.parse_org_code(text)
    if code is None:
        raise argparse.ArgumentTypeError(f"not a DESE district code: {text!r} (8 digits, e.g. 00350000)")
    return code.district_code


def _organization_arg(text: str) -> str:
    code = definitions.parse_org_code(text)
    if code is None:
        raise argparse.ArgumentTypeError(f"not a DESE organization code: {text!r} (8 digits, e.g. 00350000)")
    return code.code


DECK_FILE = "influence-100-goals.pptx"
_WHO_HELP = (
    "the operator's name recorded in the audit log, as 'NAME (command line)' (default: the [access] operator "
    "setting, $DASHBOARD_OPERATOR, else your operating-system user name)"
)


def cmd_export(args: argparse.Namespace) -> int:
    """Write what the Export page offers for one view: each chart's figures as CSV, and the deck."""
    if args.year_from and args.year_to and args.year_from > args.year_to:
        print(f"Error: --from {args.year_from} is after --to {args.year_to}.", file=sys.stderr)
        return EXIT_USAGE
    if not _exists(args.db):
        # Never create a warehouse just to export from it: an empty one would export empty charts.
        print(f"Error: no warehouse at {args.db} (create one with `init`).", file=sys.stderr)
        return EXIT_REFUSED
    from analytics import export  # plotly, Kaleido and python-pptx: loaded only for this command

    filters = Filters(
        args.year_from,
        args.year_to,
        regions=tuple(dict.fromkeys(r for listed in args.region or () for r in listed)),
        org_types=tuple(dict.fromkeys(t for listed in args.org_type or () for t in listed)),
        released=_figures_for(args),
    )
    goals = load_goals(args.goals) if args.goals else load_goals()
    con = _open_to_read(args, bring_up_to_date=False)
    try:
        if schema_version(con) < max(version for version, _, _ in migrations()):
            print(
                f"Error: the warehouse {args.db} is from an older version of the dashboard; run "
                "`python -m analytics init --db PATH` to bring it up to date, then export.",
                file=sys.stderr,
            )
            return EXIT_REFUSED
        charts = export.ViewCharts(con, goals, filters)  # each chart built once, for its CSV and the deck
        files = [
            (f"{key}.csv", partial(export.chart_csv, con, goals, filters, key, charts=charts))
            for key in export.CHART_KEYS
        ]
        # The default deck.
        files.append((DECK_FILE, partial(export.build_deck, con, goals, filters, charts=charts)))
        return _write_all(args.out, files)
    finally:
        con.close()


def _write_all(out: Path, files: Sequence[tuple[str, Callable[[], bytes]]]) -> int:
    """Make every file in a hidden folder first, then put them all in `out`: an export that fails part-way
    (a chart that cannot be drawn, a damaged warehouse, a full disk) leaves nothing behind, and says so
    truthfully. The folder is made where `out` will be (inside it, when it exists), so the files are moved
    in by renaming, never copied."""
    existing = out.is_dir()
    if out.exists() and not existing:
        print(f"Error: {out} is a file, not a folder: choose a folder with --out DIR.", file=sys.stderr)
        return EXIT_REFUSED
    near = out if existing else next(p for p in out.absolute().parents if p.exists())
    staging = near / f".export-in-progress-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        staging.mkdir()  # (as `out` itself would be made: its permissions are the usual ones)
    except OSError as problem:
        print(
            f"Error: cannot write to {near} ({problem.strerror or problem}); nothing was written. Give this "
            "account write access to that folder, or choose another with --out DIR.",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    made: list[tuple[str, int]] = []
    try:
        for name, make in files:
            try:
                data = make()
            except BaseException:
                print(
                    f"Error: the export stopped while making {name}; nothing was written to {out}.",
                    file=sys.stderr,
                )
                raise
            try:
                (staging / name).write_bytes(data)
            except OSError as problem:
                print(
                    f"Error: cannot write {name} in {near} ({problem.strerror or problem}); nothing was written "
                    f"to {out}. Free some space or get write access there, or choose another folder with --out DIR.",
                    file=sys.stderr,
                )
                return EXIT_REFUSED
            made.append((name, len(data)))
        return _move_in(staging, out, existing, made)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_in(staging: Path, out: Path, existing: bool, made: list[tuple[str, int]]) -> int:
    """Put the finished files in `out`: the whole folder at once when `out` is new, else file by file."""
    moved: list[str] = []
    missing = [p for p in out.absolute().parents if not p.exists()]  # deepest first
    try:
        if not existing:
            out.parent.mkdir(parents=True, exist_ok=True)
            staging.rename(out)
            moved = [name for name, _ in made]
        else:
            for name, _ in made:
                (staging / name).replace(out / name)
                moved.append(name)
    except OSError as problem:
        for folder in missing if not moved else ():
            with suppress(OSError):
                folder.rmdir()
        where = f"{out} ({problem.strerror or problem})"
        if moved:
            print(
                f"Error: only {len(moved)} of {len(made)} files could be put in {where}: {', '.join(moved)}; "
                "the others were not written. Export again once the folder can be written to.",
                file=sys.stderr,
            )
        else:
            print(f"Error: cannot write to {where}; nothing was written.", file=sys.stderr)
        return EXIT_REFUSED
    for name, size in made:
        print(f"wrote {out / name} ({size:,} bytes)")
    return EXIT_OK


def _regions_arg(text: str) -> list[str]:
    """One or more regions, comma-separated, named as definitions.REGIONS names them (any case)."""
    by_name = {r.lower(): r for r in definitions.REGIONS}
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n.lower() not in by_name]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"not a region: {', '.join(unknown) or repr(text)} (one of {', '.join(definitions.REGIONS)})"
        )
    return [by_name[n.lower()] for n in names]


def _org_types_arg(text: str) -> list[str]:
    """One or more organization types, comma-separated: codes (charter) or labels (Charter schools)."""
    by_name = {
        name.lower(): code
        for code in definitions.ORG_TYPES
        for name in (code, definitions.ORG_TYPE_LABELS[code], definitions.ORG_TYPE_NAMES[code])
    }
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n.lower() not in by_name]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"not an organization type: {', '.join(unknown) or repr(text)} "
            f"(one of {', '.join(definitions.ORG_TYPES)}, or {', '.join(definitions.ORG_TYPE_LABELS.values())})"
        )
    return [by_name[n.lower()] for n in names]


def cmd_uploads(args: argparse.Namespace) -> int:
    """One line per upload, newest first. File and uploader names are whatever a person typed or a file was
    called: printed escaped, so a name cannot clear the screen or start a forged line of history."""
    con = _open_to_read(args)
    try:
        history = store.upload_history(con, actor=access.operator())
    except access.NotAllowed as refusal:
        print(f"Error: {refusal}", file=sys.stderr)
        return EXIT_REFUSED
    if history.empty:
        print("No uploads yet.")
        return EXIT_OK
    for r in history.itertuples():
        sample = " (sample)" if r.is_sample else ""
        print(
            f"{r.upload_id:>5}  {r.uploaded_at:%Y-%m-%d %H:%M}  {kind_for_table(r.kind).name:<15} {r.status:<12} "
            f"{r.rows:>8,} rows  {terminal_safe(r.file_name)}{sample}  by {terminal_safe(r.uploaded_by)}"
        )
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the whole warehouse into a new file, in one consistent read."""
    if not _exists(args.db):
        print(f"Error: no warehouse at {args.db}.", file=sys.stderr)
        return EXIT_REFUSED
    if is_ducklake(args.db) and args.out is None:
        print("Error: give --out FILE for a copy of a shared warehouse (a DuckDB file).", file=sys.stderr)
        return EXIT_USAGE
    out = args.out or default_backup_file(args.db)
    con = _open_to_read(args, bring_up_to_date=False)
    try:
        uploads = con.execute("SELECT count(*) FROM uploads").fetchall()[0][0]
        back_up(con, out)
    except (FileExistsError, BackupNotWritten) as problem:
        print(f"Error: {problem}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        con.close()
    print(f"backed up {args.db} to {out} ({uploads:,} uploads, {out.stat().st_size / 1_048_576:,.1f} MB)")
    return EXIT_OK


def cmd_restore_backup(args: argparse.Namespace) -> int:
    """Put a backup in the warehouse's place; the file it replaces is kept beside it, renamed."""
    if is_ducklake(args.db):
        print(
            "Error: a shared warehouse is restored from its PostgreSQL catalog's backup (pg_dump) and a copy "
            "of its data folder taken after it, not from a DuckDB file (README: Running on more than one "
            "server).",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    backup: Path = args.backup
    if not backup.is_file():
        print(f"Error: no backup at {backup}.", file=sys.stderr)
        return EXIT_REFUSED
    try:
        with connect(backup, read_only=True) as check:
            uploads = check.execute("SELECT count(*) FROM uploads").fetchall()[0][0]
    except duckdb.Error as problem:
        print(
            f"Error: the backup {backup} cannot be used either: {diagnose(problem, backup).what}",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    kept = None
    if args.db.exists():
        try:  # the warehouse must not be in use: a running dashboard would go on writing the old file
            connect(args.db, read_only=True).close()
        except duckdb.Error as problem:
            if diagnose(problem, args.db).kind == "busy":
                raise
        kept = args.db.with_name(f"{args.db.stem}.replaced-{datetime.now():%Y-%m-%dT%H%M%S}{args.db.suffix}")
        args.db.rename(kept)
        wal = args.db.with_name(args.db.name + ".wal")
        if wal.exists():
            wal.rename(kept.with_name(kept.name + ".wal"))
    shutil.copyfile(backup, args.db)
    connect(args.db).close()  # brings an older backup's schema up to date
    aside = f"; the file it replaced is kept as {kept}" if kept else ""
    print(f"restored {args.db} from {backup} ({uploads:,} uploads){aside}")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    """Release the current figures to the dashboard's viewers (a DESE reviewer's decision): what cannot be
    shown yet without singling people out is held back, and listed."""
    if not _exists(args.db):
        print(f"Error: no warehouse at {args.db} (create one with `init`).", file=sys.stderr)
        return EXIT_REFUSED
    con = _open(args)
    try:
        done = releases.publish(con, actor=_operator(args))
        names = releases.organization_names(con)
    except access.NotAllowed as refusal:
        print(f"Error: {refusal}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        con.close()
    print(f"Released the current figures as release {done.release_id}: {done.summary}.")
    for line in releases.held_words(done.held, names):
        print(f"  {terminal_safe(line)}")
    return EXIT_OK


def _change_standing(args: argparse.Namespace, action: Callable[..., str], verb: str) -> int:
    con = _open(args)
    try:
        status = action(con, args.upload_id, actor=access.operator(args.who))
    except (store.UploadNotFound, access.NotAllowed, ValueError) as problem:
        print(problem, file=sys.stderr)
        return EXIT_REFUSED
    print(f"Upload {args.upload_id} {verb}; its status is now {status}.")
    return EXIT_OK


def cmd_rollback(args: argparse.Namespace) -> int:
    return _change_standing(args, store.rollback_upload, "rolled back")


def cmd_restore(args: argparse.Namespace) -> int:
    return _change_standing(args, store.restore_upload, "restored")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        type=Path,
        default=default_db_path(),
        help="warehouse file (default: $DASHBOARD_DB or data/warehouse.duckdb)",
    )
    parser = argparse.ArgumentParser(prog="python -m analytics", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", parents=[common], help="create the warehouse and load the organizations")
    p.set_defaults(run=cmd_init)
    p = sub.add_parser("seed-sample", parents=[common], help="load the bundled sample data")
    p.add_argument("--force", action="store_true", help="load it again even if it is already loaded")
    p.add_argument("--who", help=_WHO_HELP)
    p.set_defaults(run=cmd_seed_sample)
    p = sub.add_parser("metrics", parents=[common], help="print the headline figures")
    p.add_argument("--json", action="store_true", help="as JSON (the documented contract)")
    p.add_argument("--goals", type=Path, help="goals file (default data/goals.toml)")
    p.set_defaults(run=cmd_metrics)
    p = sub.add_parser("import", parents=[common], help="check a file and save it as one upload")
    p.add_argument("kind", choices=list(FACT_KINDS), metavar="KIND", help="one of " + ", ".join(FACT_KINDS))
    p.add_argument("file", type=Path, metavar="FILE", help="a CSV or Excel file")
    p.add_argument("--school-year", type=_school_year_arg, help="the school year, if the file does not say")
    p.add_argument("--job-class", type=_job_class_arg, help="the job class, if the file does not say")
    p.add_argument(
        "--district", type=_district_arg, help="the district of a one-district roster (8-digit code)"
    )
    p.add_argument(
        "--organization",
        type=_organization_arg,
        metavar="CODE",
        help="the organization of a one-organization report by student group (8-digit code)",
    )
    p.add_argument(
        "--student-group",
        metavar="NAME",
        help="the student group of a statewide report of one group, if its title does not say (e.g. White)",
    )
    p.add_argument("--sheet", help="the workbook sheet to read, if several hold data")
    p.add_argument("--dry-run", action="store_true", help="check and summarise; save nothing")
    p.add_argument("--who", help=_WHO_HELP)
    p.set_defaults(run=cmd_import)
    p = sub.add_parser("export", parents=[common], help="write each chart's CSV and the deck for one view")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write into")
    p.add_argument("--from", dest="year_from", type=_school_year_arg, metavar="YEAR", help="first year")
    p.add_argument("--to", dest="year_to", type=_school_year_arg, metavar="YEAR", help="last year")
    p.add_argument(
        "--region",
        type=_regions_arg,
        action="append",
        metavar="NAME",
        help="a region (repeat it or separate with commas for several)",
    )
    p.add_argument(
        "--org-type",
        type=_org_types_arg,
        action="append",
        metavar="TYPE",
        help=f"{', '.join(definitions.ORG_TYPES)} (repeat it or separate with commas for several)",
    )
    p.add_argument("--goals", type=Path, help="goals file (default data/goals.toml)")
    p.set_defaults(run=cmd_export)
    p = sub.add_parser("backup", parents=[common], help="copy the warehouse into a new file, consistently")
    p.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="the backup file (default: backups/<name>-<time>.duckdb beside it)",
    )
    p.set_defaults(run=cmd_backup)
    p = sub.add_parser("restore-backup", parents=[common], help="put a backup in the warehouse's place")
    p.add_argument("--from", dest="backup", type=Path, required=True, metavar="FILE", help="the backup file")
    p.set_defaults(run=cmd_restore_backup)
    p = sub.add_parser(
        "publish", parents=[common], help="release the current figures to the dashboard's viewers"
    )
    p.add_argument("--who", help=_WHO_HELP)
    p.set_defaults(run=cmd_publish)
    p = sub.add_parser("uploads", parents=[common], help="list every upload, newest first")
    p.set_defaults(run=cmd_uploads)
    for name, run, text in (
        ("rollback", cmd_rollback, "stop counting an upload (the one it replaced counts again)"),
        ("restore", cmd_restore, "undo a rollback"),
    ):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
        p.add_argument("--who", help=_WHO_HELP)
        p.set_defaults(run=run)
    return parser


# The reader of the output went away (`uploads | head -1`): what a shell reports for a command stopped by
# SIGPIPE, as `cat big.csv | head -1` is, so scripts using `set -o pipefail` see the same from every tool.
EXIT_OUTPUT_CLOSED = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    _log_to_file()
    try:
        actor = _operator(args)
        if actor.role == access.VIEWER and args.command in READ_ONLY_REFUSED:
            return _refuse_read_only(args, actor, READ_ONLY_REFUSED[args.command])
        code = args.run(args)
        sys.stdout.flush()  # a reader gone away (`uploads | head -1`) shows here, not at the interpreter's exit
        return code
    except BrokenPipeError:
        return _output_closed()
    except Refused as refusal:
        print(refusal, file=sys.stderr)
        return EXIT_REFUSED
    except duckdb.Error as problem:
        trouble = diagnose(problem, args.db)
        if trouble.kind == "other" and not isinstance(problem, duckdb.IOException):
            return _unexpected(args)
        if trouble.kind == "busy":
            print(
                f"The warehouse {args.db} is open in another program (is the dashboard running?). "
                "Stop it and try again.",
                file=sys.stderr,
            )
        else:
            print(f"Error: {trouble.message}", file=sys.stderr)
        return EXIT_REFUSED
    except GoalsFileError as problem:
        print(f"The goals file has a problem: {problem}", file=sys.stderr)
        return EXIT_REFUSED
    except Exception:
        return _unexpected(args)


def _unexpected(args: argparse.Namespace) -> int:
    """A failure nobody foresaw (called while it is handled): logged with its traceback, said in one line."""
    log.exception("unexpected failure running %s", args.command)
    print(
        f"Error: something unexpected went wrong; nothing was saved. The details are in {LOG_FILE}.",
        file=sys.stderr,
    )
    return EXIT_REFUSED


def _output_closed() -> int:
    """The program reading our output closed it early (`uploads | head -1`): stop quietly, as Unix tools do,
    with the status a shell gives a command stopped by SIGPIPE (128 + 13). What is left unprinted goes to
    the null device, so the interpreter's own last flush at exit cannot fail again and print a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # stdout is no file (a test captures it)
        pass
    return EXIT_OUTPUT_CLOSED


def _log_to_file() -> None:
    """Unexpected failures are logged to logs/analytics.log, never shown to the user as a traceback."""
    root = logging.getLogger()
    if any(isinstance(h, logging.FileHandler) for h in root.handlers):
        return
    try:
        LOG_FILE.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(LOG_FILE, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root.addHandler(handler)
