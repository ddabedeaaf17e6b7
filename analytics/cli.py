"""Command line: python -m analytics {init,seed-sample,metrics,uploads,rollback,restore} --db PATH

Exit codes: 0 done, 1 input refused (or the warehouse could not be used), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from analytics import store
from analytics.goals import GoalsFileError, load_goals
from analytics.metrics import headline_metrics
from analytics.seed import ensure_organizations, seed_sample
from analytics.warehouse import connect, default_db_path, schema_version

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def _open(args: argparse.Namespace) -> duckdb.DuckDBPyConnection:
    return connect(args.db)


def cmd_init(args: argparse.Namespace) -> int:
    con = _open(args)
    added = ensure_organizations(con)
    print(
        f"Warehouse ready at {args.db} (schema version {schema_version(con)}; {added} organizations added)."
    )
    return EXIT_OK


def cmd_seed_sample(args: argparse.Namespace) -> int:
    con = _open(args)
    already = con.execute("SELECT count(*) FROM live_uploads WHERE is_sample").fetchall()[0][0]
    if already and not args.force:
        print("Sample data is already loaded (use --force to load it again as new uploads).")
        return EXIT_OK
    saved = seed_sample(con)
    for s in saved:
        print(f"loaded sample {s.kind}: {s.rows:,} rows (upload {s.upload_id})")
    return EXIT_OK


def cmd_metrics(args: argparse.Namespace) -> int:
    con = _open(args)
    figures = headline_metrics(con, load_goals(args.goals) if args.goals else load_goals())
    if args.json:
        print(json.dumps(figures, indent=2))
        return EXIT_OK
    s = figures["superintendents"]
    print(f"Superintendents of color (target {s['target_share']:.0%} by {s['target_year']}):")
    for r in s["by_year"]:
        target = f"  target {r['target_share']:.1%}" if r["target_share"] is not None else ""
        print(f"  {r['school_year']}  {r['share']:.1%}  ({r['fte_of_color']:g} of {r['fte']:g} FTE){target}")
    f = figures["fellows"]
    print(f"Influence 100 Fellows: {f['total']} of {f['goal']} in {len(f['by_cohort'])} cohorts")
    dist = figures["districts"]
    print(f"Organizations taking part: {dist['participating_total']} (goal {dist['goal']} with a strategy)")
    return EXIT_OK


def cmd_uploads(args: argparse.Namespace) -> int:
    con = _open(args)
    history = store.upload_history(con)
    if history.empty:
        print("No uploads yet.")
        return EXIT_OK
    for r in history.itertuples():
        sample = " (sample)" if r.is_sample else ""
        print(
            f"{r.upload_id:>5}  {r.uploaded_at:%Y-%m-%d %H:%M}  {r.kind:<15} {r.status:<12} "
            f"{r.rows:>8,} rows  {r.file_name}{sample}  by {r.uploaded_by}"
        )
    return EXIT_OK


def _change_standing(args: argparse.Namespace, action: Callable[..., str], verb: str) -> int:
    con = _open(args)
    try:
        status = action(con, args.upload_id, who=args.who)
    except (store.UploadNotFound, ValueError) as problem:
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
    p.set_defaults(run=cmd_seed_sample)
    p = sub.add_parser("metrics", parents=[common], help="print the headline figures")
    p.add_argument("--json", action="store_true", help="as JSON (the documented contract)")
    p.add_argument("--goals", type=Path, help="goals file (default data/goals.toml)")
    p.set_defaults(run=cmd_metrics)
    p = sub.add_parser("uploads", parents=[common], help="list every upload, newest first")
    p.set_defaults(run=cmd_uploads)
    for name, run, text in (
        ("rollback", cmd_rollback, "stop counting an upload (the one it replaced counts again)"),
        ("restore", cmd_restore, "undo a rollback"),
    ):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
        p.add_argument("--who", default="command line", help="recorded in the history")
        p.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except duckdb.IOException as problem:
        if "lock" in str(problem).lower():
            print(
                f"The warehouse {args.db} is open in another program (is the dashboard running?). "
                "Stop it and try again.",
                file=sys.stderr,
            )
        else:
            print(f"Could not open the warehouse {args.db}: {problem}", file=sys.stderr)
        return EXIT_REFUSED
    except GoalsFileError as problem:
        print(f"The goals file has a problem: {problem}", file=sys.stderr)
        return EXIT_REFUSED
