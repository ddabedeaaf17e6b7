"""`make load`: how many people one dashboard server holds, measured on the server, not in browsers.

N simulated visitors (N = 10, 25, 50) open the dashboard at once against one `streamlit run` process on the
state-scale warehouse (bench/work/state.duckdb, as `make bench` generates it). Each is a new session speaking
Streamlit's own protocol over its WebSocket (a `rerun_script` message per page, then wait for
`script_finished`) — a client far lighter than a browser, so the machine's two cores go to the server, which
is what is measured: p50/p95 time for a page to settle, the server's CPU seconds per page view (beside an
empty two-page app's, the floor of Streamlit's own cost), the page views per second the process sustained,
and its memory per session. Then the same against two servers sharing one DuckLake warehouse (its catalog in a
throw-away PostgreSQL, as the tests start it; the bundled statewide sample loaded) while a third process imports
the 100,000-person roster (bench/work/roster.csv): the visitors are split between the servers, and the import
must land with nothing lost. Results: bench/load_results.md (rewritten by each run).

    .venv/bin/python -m bench.load                 # N = 10, 25, 50; 4 pages per visitor
    .venv/bin/python -m bench.load --sessions 5 --pages 2   # a quick look
    .venv/bin/python -m bench.load --no-lake       # one server only (no PostgreSQL here)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.run import WORK, Paths, ensure_data

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "load_results.md"
# The pages a visitor looks at, in order (titles as app.py names them); the empty app has two.
TOUR = ("Overview", "Superintendents", "Districts", "Workforce")
EMPTY_APP = """import streamlit as st

def one():
    st.title("One")

def two():
    st.title("Two")

st.navigation([st.Page(one, title="One", default=True), st.Page(two, title="Two")]).run()
"""
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class Server:
    """`streamlit run` in its own process on a free port; its CPU time and memory read from /proc."""

    def __init__(self, script: Path, env: dict[str, str], port: int):
        self.script, self.env, self.port = script, env, port
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(self.script),
                "--server.headless=true",
                f"--server.port={self.port}",
                "--server.fileWatcherType=none",
                "--browser.gatherUsageStats=false",
            ],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=1)
                return self
            except OSError:
                time.sleep(0.25)
        raise RuntimeError("the server did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime, all threads

    def rss_mib(self) -> float:
        return int(Path(f"/proc/{self.process.pid}/statm").read_text().split()[1]) * PAGE_SIZE / 1_048_576


class Visitor:
    """One browser tab's worth of protocol: a session, and page views in it."""

    def __init__(self, port: int):
        self.port = port
        self.ws = None
        self.pages: dict[str, str] = {}  # title -> page script hash

    async def open(self) -> None:
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{self.port}/_stcore/stream", subprotocols=["streamlit"], max_size=None
        )

    async def view(self, title: str | None = None) -> float:
        """Ask for a page and wait until its script has finished; the seconds it took."""
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_script_hash = self.pages.get(title, "") if title else ""
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self.ws.recv())
            kind = forward.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.page_name: p.page_script_hash for p in forward.navigation.app_pages}
            elif kind == "script_finished":
                if forward.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise RuntimeError(f"the page {title!r} did not finish ({forward.script_finished})")
                return time.perf_counter() - started

    async def close(self) -> None:
        await self.ws.close()


@dataclass
class Round:
    app: str
    sessions: int
    views: int
    seconds: float
    p50: float
    p95: float
    cpu_per_view: float
    views_per_second: float
    mib_per_session: float
    note: str = ""


async def _round(servers: Server | list[Server], sessions: int, tour: tuple[str, ...], app: str) -> Round:
    """`sessions` visitors at once, spread over `servers` in turn, each viewing `tour`."""
    servers = servers if isinstance(servers, list) else [servers]
    visitors = [Visitor(servers[i % len(servers)].port) for i in range(sessions)]
    rss_before = sum(s.rss_mib() for s in servers)
    cpu_before, started = sum(s.cpu_seconds() for s in servers), time.perf_counter()
    await asyncio.gather(*(v.open() for v in visitors))

    async def visit(visitor: Visitor) -> list[float]:
        times = [await visitor.view()]  # the default page, as a new visitor lands
        for title in tour[1:]:
            times.append(await visitor.view(title))
        return times

    times = [t for per in await asyncio.gather(*(visit(v) for v in visitors)) for t in per]
    seconds = time.perf_counter() - started
    cpu = sum(s.cpu_seconds() for s in servers) - cpu_before
    rss = sum(s.rss_mib() for s in servers) - rss_before  # the sessions are still open
    await asyncio.gather(*(v.close() for v in visitors))
    cuts = statistics.quantiles(times, n=20) if len(times) > 1 else times * 19
    return Round(
        app,
        sessions,
        len(times),
        seconds,
        statistics.median(times),
        cuts[18],
        cpu / len(times),
        len(times) / seconds,
        max(rss, 0.0) / sessions,
    )


def measure(
    app: str, script: Path, env: dict, sessions: list[int], tour: tuple[str, ...], log
) -> list[Round]:
    port = 8600 + os.getpid() % 300
    rounds = []
    with Server(script, env, port) as server:
        asyncio.run(_round(server, 1, tour, app))  # warm: caches filled, as on a server that has run a while
        for n in sessions:
            log(f"  {app}: {n} sessions x {len(tour)} pages")
            rounds.append(asyncio.run(_round(server, n, tour, app)))
    return rounds


def measure_lake(sessions: list[int], tour: tuple[str, ...], roster: Path, scratch: Path, log) -> list[Round]:
    """Two servers on one DuckLake warehouse while a third process imports `roster`, once per round."""
    sys.path.insert(0, str(PROJECT_ROOT / "tests"))
    from lake_support import running_postgres  # the tests' throw-away PostgreSQL

    rounds = []
    with running_postgres() as pg:
        lake = pg.catalog(pg.database())
        env = {**os.environ, "DASHBOARD_DB": lake, "DASHBOARD_DATA_PATH": str(scratch / "lake-data")}
        log("  DuckLake: loading the statewide sample")
        subprocess.run(
            [sys.executable, "-m", "analytics", "seed-sample", "--db", lake],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
        )
        base = 8600 + os.getpid() % 300 + 1
        with (
            Server(PROJECT_ROOT / "app.py", env, base) as one,
            Server(PROJECT_ROOT / "app.py", env, base + 1) as two,
        ):
            for server in (one, two):
                asyncio.run(_round(server, 1, tour, "warm"))
            for n in sessions:
                log(f"  two servers on DuckLake: {n} sessions x {len(tour)} pages, importing {roster.name}")
                before = _uploads(lake, env)
                started = time.perf_counter()
                importing = subprocess.Popen(
                    [sys.executable, "-m", "analytics", "import", "staffing", str(roster), "--db", lake],
                    cwd=PROJECT_ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                got = asyncio.run(_round([one, two], n, tour, "2 servers, DuckLake, importing"))
                _, err = importing.communicate(timeout=600)
                took = time.perf_counter() - started
                landed = importing.returncode == 0 and _uploads(lake, env) == before + 1
                got.note = (
                    f"import of 100,000 people: {took:,.0f} s, landed"
                    if landed
                    else f"import FAILED: {err.strip()}"
                )
                rounds.append(got)
    return rounds


def _uploads(lake: str, env: dict) -> int:
    """How many uploads the shared warehouse lists (through the command line, as an operator would)."""
    listed = subprocess.run(
        [sys.executable, "-m", "analytics", "uploads", "--db", lake],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return len(listed.stdout.splitlines())


def render(rounds: list[Round], cores: int) -> str:
    lines = [
        "# Load: one dashboard server, many visitors",
        "",
        f"Measured by `make load` (`bench/load.py`) on {cores} cores, {time.strftime('%Y-%m-%d')}. Each visitor "
        "is a new session driven through Streamlit's WebSocket protocol (no browser), viewing its pages one "
        "after another; all visitors start at once. Caches are warm (one visitor went first), as on a server "
        "that has been up a while. The state-scale warehouse is `bench/work/state.duckdb`.",
        "",
        "| app | sessions | page views | p50 settle | p95 settle | server CPU per view | views/s sustained "
        "| memory per session | meanwhile |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rounds:
        lines.append(
            f"| {r.app} | {r.sessions} | {r.views} | {r.p50 * 1000:,.0f} ms | {r.p95 * 1000:,.0f} ms | "
            f"{r.cpu_per_view * 1000:,.0f} ms | {r.views_per_second:,.1f} | {r.mib_per_session:,.2f} MiB | "
            f"{r.note} |"
        )
    dash = [r for r in rounds if r.app == "dashboard"]
    empty = [r for r in rounds if r.app.startswith("empty")]
    if dash and empty:
        ratio = statistics.median(r.cpu_per_view for r in dash) / statistics.median(
            r.cpu_per_view for r in empty
        )
        best = max(r.views_per_second for r in dash)
        lines += [
            "",
            f"A dashboard page view costs the server {ratio:,.1f}x the CPU of an empty two-page Streamlit app's. "
            f"One server process sustained up to {best:,.1f} page views a second: every session's script runs "
            "under one Python interpreter lock, so a busy day needs several processes (or servers) behind a "
            "load balancer with sticky sessions — see the README, “Running on more than one server”.",
        ]
    lake = [r for r in rounds if "DuckLake" in r.app]
    if lake:
        lines += [
            "",
            f"Two servers on one DuckLake warehouse (catalog in PostgreSQL on this machine) sustained up to "
            f"{max(r.views_per_second for r in lake):,.1f} page views a second between them while another process "
            "imported a 100,000-person roster into the same warehouse; "
            + (
                "each import landed (the shared upload list grew by exactly one)."
                if all("landed" in r.note for r in lake)
                else "an import did not land (see the table)."
            ),
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sessions", default="10,25,50", help="comma-separated numbers of simultaneous visitors"
    )
    parser.add_argument("--pages", type=int, default=len(TOUR), help="pages each visitor views (1-4)")
    parser.add_argument("--no-lake", action="store_true", help="skip the two servers on a DuckLake warehouse")
    args = parser.parse_args(argv)
    sessions = [int(n) for n in args.sessions.split(",")]
    tour = TOUR[: max(1, min(args.pages, len(TOUR)))]

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    paths = Paths()
    ensure_data(paths, False, log)
    with tempfile.TemporaryDirectory(dir=WORK) as scratch:
        db = Path(scratch) / "state.duckdb"
        shutil.copy(paths.state, db)
        empty = Path(scratch) / "empty_app.py"
        empty.write_text(EMPTY_APP)
        env = {**os.environ, "DASHBOARD_DB": str(db)}
        rounds = measure("dashboard", PROJECT_ROOT / "app.py", env, sessions, tour, log)
        rounds += measure("empty two-page app", empty, env, sessions, ("One", "Two")[: len(tour)], log)
        if not args.no_lake:
            rounds += measure_lake(sessions, tour, paths.roster, Path(scratch), log)
    text = render(rounds, os.cpu_count() or 1)
    if args.sessions == "10,25,50" and args.pages == len(TOUR) and not args.no_lake:
        RESULTS.write_text(text)
        log(f"wrote {RESULTS.relative_to(PROJECT_ROOT)}")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
