"""One measurement per process: `python -m bench.measure KIND ...` prints one line `BENCH {json}` with the
run times (seconds) and the process's peak resident memory (VmHWM, MiB).

Each measurement runs in its own process so that its peak memory is its own; the orchestrator
(bench/run.py) starts them one after another and takes medians.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP = PROJECT_ROOT / "app.py"


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB.

    Linux's VmHWM, the high-water mark of this program's own memory. (ru_maxrss would do, but Linux carries
    the parent's peak over fork and exec into it, so a child of a large process would report the parent's.)
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _emit(**result) -> None:
    result["peak_rss_mib"] = round(peak_rss_mib(), 1)
    print("BENCH " + json.dumps(result), flush=True)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- imports and their baselines ---------------------------------------------------------------------


def import_file(file: Path, scratch: Path) -> dict[str, float]:
    """Read, check and save `file` as a staffing upload into `scratch` (a fresh copy of a warehouse): what
    `python -m analytics import staffing FILE` does, through the ingest package's public API. Returns the
    seconds each step took: open (the warehouse), check (read the bytes, recognise, normalise, check),
    save (one transaction, committed), close (DuckDB checkpoints the new rows into the file)."""
    from analytics import access
    from analytics.ingest import check_upload, save_checked
    from analytics.warehouse import connect

    marks = [time.perf_counter()]
    con = connect(scratch)
    try:
        marks.append(time.perf_counter())
        checked = check_upload(con, "staffing", file.read_bytes(), file.name)
        if not checked.can_save:
            raise SystemExit(f"bench file refused: {[p.message for p in checked.problems[:5]]}")
        marks.append(time.perf_counter())
        save_checked(con, checked, actor=access.system("bench"))
        marks.append(time.perf_counter())
    finally:
        con.close()
    marks.append(time.perf_counter())
    return {
        step: b - a
        for step, a, b in zip(("open", "check", "save", "close"), marks[:-1], marks[1:], strict=True)
    }


def duckdb_read_csv(file: Path, scratch: Path | str) -> None:
    """DuckDB's own CSV reader, the file into a table of a new database file (or ':memory:')."""
    import duckdb

    from analytics.sql_files import sql

    con = duckdb.connect(str(scratch))
    try:
        # The roster is Windows-1252 (as Excel saves it); its accented names are the same bytes in Latin-1.
        con.execute(sql("roster_read_csv"), {"file": str(file)})
    finally:
        con.close()


def fastexcel_read(file: Path) -> None:
    """fastexcel's bare read: the workbook's first sheet into an Arrow table, default options."""
    import fastexcel

    fastexcel.read_excel(str(file)).load_sheet(0).to_arrow()


def cmd_file(args: argparse.Namespace) -> None:
    scratch_dir = Path(args.scratch)
    scratch_dir.mkdir(parents=True, exist_ok=True)
    times, extra, phases = [], [], []
    for i in range(args.warmup + args.runs):
        scratch = scratch_dir / f"{args.kind}-{i}.duckdb"
        scratch.unlink(missing_ok=True)
        steps = None
        if args.kind in ("csv-import", "xlsx-import"):
            shutil.copy(args.warehouse, scratch)
            steps = import_file(Path(args.file), scratch)
            took = sum(steps.values())
        elif args.kind == "csv-duckdb":
            took = _timed(lambda s=scratch: duckdb_read_csv(Path(args.file), s))
            in_memory = _timed(lambda: duckdb_read_csv(Path(args.file), ":memory:"))
        elif args.kind == "xlsx-fastexcel":
            took = _timed(lambda: fastexcel_read(Path(args.file)))
        else:
            raise SystemExit(f"unknown kind {args.kind}")
        scratch.unlink(missing_ok=True)
        if i >= args.warmup:
            times.append(took)
            if steps:
                phases.append(steps)
            if args.kind == "csv-duckdb":
                extra.append(in_memory)
    _emit(kind=args.kind, times=times, in_memory=extra, phases=phases)


# --- pages ------------------------------------------------------------------------------------------


def cmd_page(args: argparse.Namespace) -> None:
    """A page through AppTest: its first run in this new process, then warm runs (results cached), then
    cold runs (st.cache_data cleared before each; the cached warehouse connection is kept)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    script = Path(args.script) if args.script else APP
    at = AppTest.from_file(str(script), default_timeout=600)
    for key, value in (json.loads(args.query) if args.query else {}).items():
        at.query_params[key] = value
    if args.page:
        at.switch_page(f"app_pages/{args.page}.py")  # before the first run: the page itself, not the default
    first = _timed(at.run)
    errors = [str(e.value) for e in at.exception]
    titles = [t.value for t in at.title]
    warm = []
    for _ in range(args.warm):
        warm.append(_timed(at.run))
    cold = []
    from analytics.metrics import forget_cached_blocks
    from ui.data import forget_shared

    for _ in range(args.cold):
        st.cache_data.clear()
        forget_shared()  # the views shared by every session
        forget_cached_blocks()  # as after a change of the data: the privacy blocks are cut again
        cold.append(_timed(at.run))
    errors += [str(e.value) for e in at.exception]
    _emit(
        kind="page",
        page=args.page or script.stem,
        first=first,
        warm=warm,
        cold=cold,
        titles=titles,
        errors=errors,
        charts=len(at.get("plotly_chart")),
    )


# --- exports ------------------------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> None:
    """PowerPoint deck and PNG export, through analytics/export.py (when it exists)."""
    from bench.exports import measure_exports

    _emit(kind="export", **measure_exports(Path(args.warehouse), args.runs))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.measure")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("file")
    p.add_argument("kind", choices=["csv-import", "csv-duckdb", "xlsx-import", "xlsx-fastexcel"])
    p.add_argument("--file", required=True)
    p.add_argument("--warehouse", required=True)
    p.add_argument("--scratch", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.set_defaults(run=cmd_file)
    p = sub.add_parser("page")
    p.add_argument("--page", help="app_pages/<page>.py; none for --script")
    p.add_argument("--script", help="a script other than app.py (the empty page)")
    p.add_argument("--query", help="query parameters, as JSON")
    p.add_argument("--warm", type=int, default=5)
    p.add_argument("--cold", type=int, default=3)
    p.set_defaults(run=cmd_page)
    p = sub.add_parser("export")
    p.add_argument("--warehouse", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.set_defaults(run=cmd_export)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT_ROOT))
    args.run(args)


if __name__ == "__main__":
    main()
