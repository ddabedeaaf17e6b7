"""Where a page view's server CPU goes: py-spy samples the dashboard server while load visitors view pages.

    .venv/bin/python -m bench.where                      # 10 visitors x the load tour, state warehouse
    .venv/bin/python -m bench.where --sessions 20 --top 30

One `streamlit run` on a copy of the state warehouse (as `make load` starts it), warmed by one visitor, then
py-spy (from PyPI, requirements-dev.txt) records every thread of it while N visitors view the load test's tour.
Each sample is put in the first category its stack matches, from the innermost frame out (a query run from
the privacy layer counts as a query; Plotly's JSON inside st.plotly_chart counts as JSON), and the table gives
each category's share of the busy samples and its CPU milliseconds per page view. The top frames by own time
follow, for what the categories do not name.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.load import TOUR, Server, Visitor, organization_codes, public_site, visitor_tour, wait_until_idle
from bench.run import WORK, Paths, ensure_data

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RATE = 250  # samples a second

# (category, test on one frame "function (file:line)"), innermost match wins; the order breaks ties in a frame.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("DuckDB queries", ("execute (", "fetchdf", "fetchall", "fetchone", "fetch_df", "sql (", "(duckdb")),
    ("JSON of the chart specs (Plotly's to_json)", ("plotly/io/_json.py",)),
    (
        "Plotly figures: building and validating",
        ("plotly/basedatatypes.py", "plotly/graph_objs", "_plotly_utils"),
    ),
    ("label fitting (chart_fit)", ("analytics/chart_fit.py",)),
    ("privacy layer (blocks, steps)", ("analytics/privacy.py", "analytics/releases.py")),
    ("pandas", ("pandas/",)),
    ("the app's own code", ("analytics/", "ui/", "app_pages/", "app.py")),
    ("Streamlit: caches (hashing, pickling)", ("streamlit/runtime/caching",)),
    (
        "Streamlit: elements and protobuf",
        ("streamlit/elements", "streamlit/delta_generator", "google/protobuf"),
    ),
    ("Streamlit: sessions, messages, WebSocket", ("streamlit/", "tornado/", "asyncio/")),
)


def categorise(stack: list[str]) -> str:
    # Where the innermost Python frame is the app's own, the time is in C code it called: nearly always a
    # DuckDB query (py-spy does not see inside the DuckDB extension).
    leaf = stack[-1] if stack else ""
    if any(place in leaf for place in ("analytics/", "ui/data.py")) and any(
        word in leaf for word in ("cursor", "data_version", "run_query", "_query", "released")
    ):
        return "DuckDB queries"
    for frame in reversed(stack):  # py-spy's raw lines run root;...;leaf
        for name, marks in CATEGORIES:
            if any(mark in frame for mark in marks):
                return name
    return "other (interpreter, threads)"


def _app_frame(stack: list[str], depth: int) -> str:
    """The `depth`-th innermost frame of the app's own code (analytics/, ui/, app_pages/) in `stack`."""
    own = [f for f in stack if any(place in f for place in ("analytics/", "ui/", "app_pages/"))]
    return re.sub(r":\d+\)$", ")", own[-depth]) if len(own) >= depth else "(not in the app's code)"


def read_samples(raw: Path) -> tuple[collections.Counter, collections.Counter, collections.Counter, int]:
    """py-spy's raw (collapsed) output: 'frame;frame;... count' per line."""
    by_category, by_leaf, by_app, total = (
        collections.Counter(),
        collections.Counter(),
        collections.Counter(),
        0,
    )
    for line in raw.read_text().splitlines():
        stack_text, _, count = line.rpartition(" ")
        stack = stack_text.split(";")[1:]  # the first is the thread
        n = int(count)
        total += n
        by_category[categorise(stack)] += n
        by_leaf[stack[-1] if stack else "?"] += n
        by_app[_app_frame(stack, 1)] += n
    return by_category, by_leaf, by_app, total


async def _views(port: int, sessions: int, codes: list[str] | None, first: int = 0) -> int:
    """`sessions` visitors at once: the release-day mix (visitors `first`, `first` + 1, ...), or with no
    `codes` every one the statewide tour. How many views they made."""
    visitors = [Visitor(port) for _ in range(sessions)]
    await asyncio.gather(*(v.open() for v in visitors))
    done = await asyncio.gather(
        *(visitor_tour(v, first + i, codes) if codes else _plain_tour(v) for i, v in enumerate(visitors))
    )
    await asyncio.gather(*(v.close() for v in visitors))
    return sum(len(times) for times in done)


async def _plain_tour(visitor: Visitor) -> list[float]:
    return [await visitor.view(title) for title in (None, *TOUR[1:])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.where", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--top", type=int, default=25, help="frames listed by own time")
    parser.add_argument("--same-view", action="store_true", help="every visitor the statewide default view")
    parser.add_argument("--raw", type=Path, help="also keep py-spy's raw samples (whole stacks) in this file")
    args = parser.parse_args(argv)
    paths = Paths()
    ensure_data(paths, False, lambda m: print(m, file=sys.stderr))
    with tempfile.TemporaryDirectory(dir=WORK) as scratch:
        db = Path(scratch) / "state.duckdb"
        shutil.copy(paths.state, db)
        raw = Path(scratch) / "samples.txt"
        env = {**os.environ, "DASHBOARD_DB": str(db)}
        port = 8600 + os.getpid() % 300
        codes = None if args.same_view else organization_codes(db)
        flags = public_site(Path(scratch), f"http://127.0.0.1:{port}")
        with Server(PROJECT_ROOT / "app.py", env, port, flags) as server:
            wait_until_idle([server], lambda m: print(m, file=sys.stderr))  # warmed at start-up
            spy = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("py-spy")),
                    "record",
                    "--pid",
                    str(server.process.pid),
                    "--rate",
                    str(RATE),
                    "--format",
                    "raw",
                    "--output",
                    str(raw),
                    "--nonblocking",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)  # py-spy attached
            cpu_before = server.cpu_seconds()
            views = asyncio.run(_views(server.port, args.sessions, codes))
            cpu = server.cpu_seconds() - cpu_before
            spy.send_signal(2)  # SIGINT: py-spy writes its file and exits
            spy.wait(timeout=60)
        by_category, by_leaf, by_app, total = read_samples(raw)
        if args.raw:
            shutil.copy(raw, args.raw)
    print(
        f"{views} page views, server CPU {cpu:.2f} s = {cpu / views * 1000:.0f} ms a view; {total} samples\n"
    )
    print("| where | share of samples | CPU ms per view |\n|---|---:|---:|")
    for name, n in by_category.most_common():
        print(f"| {name} | {n / total:.0%} | {cpu / views * 1000 * n / total:.0f} |")
    print("\nThe app's innermost function in the stack (its time and all it called outside the app):")
    for frame, n in by_app.most_common(args.top):
        print(f"  {n / total:6.1%}  {frame}")
    print("\nTop frames by own time:")
    for frame, n in by_leaf.most_common(args.top):
        print(f"  {n / total:6.1%}  {frame}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
