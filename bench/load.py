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
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import duckdb
import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from analytics import definitions
from bench.procs import cpu_seconds, tree_cpu_seconds, wait_until_up
from bench.proxy import Proxy, route_cookie
from bench.run import WORK, Paths, ensure_data

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "load_results.md"
# The approved upload of the after-release measure: the bundled sample's Fellows list, imported again.
SAMPLE_UPLOAD = ("fellows", PROJECT_ROOT / "data" / "sample" / "fellows.csv")
# The pages a visitor looks at, in order (titles as app.py names them); the empty app has two.
TOUR = ("Overview", "Superintendents", "Districts", "Workforce")
EMPTY_APP = """import streamlit as st

def one():
    st.title("One")

def two():
    st.title("Two")

st.navigation([st.Page(one, title="One", default=True), st.Page(two, title="Two")]).run()
"""
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class Server:
    """`streamlit run` in its own process on a free port; its CPU time and memory read from /proc."""

    def __init__(
        self,
        script: Path,
        env: dict[str, str],
        port: int,
        flags: tuple[str, ...] = (),
        cwd: Path = PROJECT_ROOT,
    ):
        self.script, self.env, self.port, self.flags, self.cwd = script, env, port, flags, cwd
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                # The dashboard as `make run` starts it (its default views warmed at start-up).
                *(
                    ["ui.serve"]
                    if self.script == PROJECT_ROOT / "app.py"
                    else ["streamlit", "run", str(self.script)]
                ),
                "--server.headless=true",
                f"--server.port={self.port}",
                "--server.fileWatcherType=none",
                "--browser.gatherUsageStats=false",
                *self.flags,
            ],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_up(self.port, self.process, f"the server on port {self.port}")
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    def rss_mib(self) -> float:
        return int(Path(f"/proc/{self.process.pid}/statm").read_text().split()[1]) * PAGE_SIZE / 1_048_576


def public_site(folder: Path, address: str) -> tuple[str, ...]:
    """The flags of a server as DESE would put it on its public site: sign-in configured (a secrets file in
    `folder` naming the address visitors use), public viewing on, so a visitor who does not sign in sees
    DESE's released figures. No visitor signs in, so the identity provider named is never asked."""
    secrets = folder / "public-site-secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{address}/oauth2callback"\n'
        'cookie_secret = "load-test-cookie-secret-0123456789abcdef"\n'
        'client_id = "dashboard"\n'
        'client_secret = "load-test"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return (f"--secrets.files={secrets}",)


class ViewFailed(RuntimeError):
    """A page view raised, showed an error, or did not finish: the round fails."""


def _error_in(element) -> str:
    """What went wrong, where a page drew an exception or an error box; '' otherwise."""
    kind = element.WhichOneof("type")
    if kind == "exception":
        return f"exception {element.exception.type}: {element.exception.message[:300]}"
    if kind == "alert" and element.alert.format == Alert.ERROR:
        return f"error shown: {element.alert.body[:300]}"
    return ""


def _words_of(element) -> str:
    """An element's words: a metric as 'label: value', text as its Markdown; '' for the rest."""
    kind = element.WhichOneof("type")
    if kind == "metric":
        return f"{element.metric.label}: {element.metric.body}"
    if kind in ("markdown", "heading"):
        return getattr(element, kind).body
    return ""


class Visitor:
    """One browser tab's worth of protocol: a session, and page views in it."""

    def __init__(self, port: int, cookie: str | None = None):
        self.port, self.cookie = port, cookie
        self.ws = None
        self.pages: dict[str, str] = {}  # title -> page script hash
        self.seen: list[str] = []  # what the last view showed, an element a line (_words_of)

    async def open(self) -> None:
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{self.port}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
        )

    async def view(self, title: str | None = None, query: str = "") -> float:
        """Ask for a page (with `query`, the address's query string) and wait until its script has finished;
        the seconds it took. A page that raised, or showed an error, fails the round (ViewFailed)."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_script_hash = self.pages.get(title, "") if title else ""
        started = time.perf_counter()
        self.seen = []
        await self.ws.send(msg.SerializeToString())
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self.ws.recv())
            kind = forward.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.page_name: p.page_script_hash for p in forward.navigation.app_pages}
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                self.seen.append(_words_of(element))
                problem = _error_in(element)
                if problem:
                    raise ViewFailed(f"{title or 'the default page'}?{query}: {problem}")
            elif kind == "script_finished":
                if forward.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise ViewFailed(f"the page {title!r} did not finish ({forward.script_finished})")
                return time.perf_counter() - started

    async def close(self) -> None:
        await self.ws.close()


# The release-day mix: most visitors look at the statewide figures, some at a region, a type of organization,
# a range of years or one district's profile. (share of visitors, what they look at); each visitor's choices
# are drawn from a seed of its own, so every run sends the same views.
STATEWIDE_PAGES = ("Fellows", "Districts", "Students' experience", "Equity leaders")
MIX = (
    (0.60, "statewide"),
    (0.15, "region"),
    (0.10, "type"),
    (0.08, "years"),
    (0.07, "profile"),
)
YEARS_FROM = ("2015-16", "2017-18", "2019-20", "2021-22")


def visitor_plan(index: int, codes: list[str]) -> list[tuple[str | None, str]]:
    """The page views of visitor `index` in the release-day mix: (page title, query string) each, the first
    the page a visitor lands on (None: the default page)."""
    draw = random.Random(f"visitor-{index}")
    roll, kind = draw.random(), MIX[-1][1]
    for share, name in MIX:
        if roll < share:
            kind = name
            break
        roll -= share
    if kind == "statewide":
        return [(None, ""), ("Superintendents", ""), ("Workforce", ""), (draw.choice(STATEWIDE_PAGES), "")]
    if kind == "profile":
        first, second = draw.sample(codes, 2)
        return [(None, ""), ("Districts", f"org={first}"), ("Districts", f"org={second}")]
    if kind == "region":
        query = "region=" + quote(draw.choice(definitions.REGIONS))
    elif kind == "type":
        query = "type=" + draw.choice(definitions.ORG_TYPES)
    else:
        query = f"from={draw.choice(YEARS_FROM)}"
    return [(None, query), ("Superintendents", query), ("Workforce", query), ("Students' experience", query)]


def organization_codes(db: Path) -> list[str]:
    """The organizations whose profiles visitors open (every one in the warehouse, in code order)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [
            code for (code,) in con.execute("SELECT org_code FROM organizations ORDER BY org_code").fetchall()
        ]
    finally:
        con.close()


async def visitor_tour(visitor: Visitor, index: int, codes: list[str]) -> list[float]:
    """Visitor `index`'s views of the release-day mix, one after another: their settle times."""
    return [await visitor.view(title, query) for title, query in visitor_plan(index, codes)]


@dataclass
class Round:
    app: str
    sessions: int
    views: int
    seconds: float
    p50: float
    p95: float
    cpu_per_view: float  # the dashboard processes' CPU seconds per view
    views_per_second: float
    server_mib: float  # the dashboard processes' resident memory after the round, all sessions still open
    note: str = ""


@dataclass
class Target:
    """Where visitors connect: a server's port, or the proxy's (each visitor first fetches the page, as a
    browser does, and keeps the cookie that routes it)."""

    port: int
    through_proxy: bool = False


Plan = Callable[[int], list[tuple[str | None, str]]]


async def _round(
    targets: list[Target], servers: list[Server], sessions: int, plan: Plan, first: int, app: str, extra=None
) -> Round:
    """`sessions` visitors at once, visitor `first + i` spread over `targets` in turn, each viewing
    `plan(first + i)`; any failed view fails the round. `extra`: (what, its CPU seconds) counted meanwhile."""
    visitors = []
    for i in range(sessions):
        target = targets[i % len(targets)]
        cookie = route_cookie(target.port) if target.through_proxy else None
        visitors.append(Visitor(target.port, cookie))
    cpu_before, started = sum(s.cpu_seconds() for s in servers), time.perf_counter()
    extra_before = extra[1]() if extra else 0.0
    await asyncio.gather(*(v.open() for v in visitors))

    async def visit(visitor: Visitor, index: int) -> list[float]:
        return [await visitor.view(title, query) for title, query in plan(index)]

    times = [
        t for per in await asyncio.gather(*(visit(v, first + i) for i, v in enumerate(visitors))) for t in per
    ]
    seconds = time.perf_counter() - started
    cpu = sum(s.cpu_seconds() for s in servers) - cpu_before
    mib = sum(s.rss_mib() for s in servers)
    await asyncio.gather(*(v.close() for v in visitors))
    cuts = statistics.quantiles(times, n=20) if len(times) > 1 else times * 19
    found = Round(
        app,
        sessions,
        len(times),
        seconds,
        statistics.median(times),
        cuts[18],
        cpu / len(times),
        len(times) / seconds,
        mib,
    )
    if extra:
        found.note = f"{extra[0]}: {(extra[1]() - extra_before) / len(times) * 1000:,.0f} ms CPU a view"
    return found


def wait_until_idle(
    servers: list[Server], log, quiet: float = 0.05, seconds: int = 3, limit: float = 600.0
) -> float:
    """Wait until the servers have finished what they do on their own at start-up and after a change of the
    data (warming the default views): less than `quiet` CPU seconds in each of `seconds` seconds in a row,
    longer than the warming thread's pause between looks for a change (ui/warm.py), so a pause between two
    passes is not taken for the end. How long it took."""
    started = time.perf_counter()
    before = sum(s.cpu_seconds() for s in servers)
    still = 0
    while time.perf_counter() - started < limit:
        time.sleep(1.0)
        now = sum(s.cpu_seconds() for s in servers)
        still = still + 1 if now - before < quiet else 0
        before = now
        if still >= seconds:
            break
    took = time.perf_counter() - started
    log(f"  servers idle after {took:.0f} s (warming the default views)")
    return took


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mixed(codes: list[str]) -> Plan:
    return lambda index: visitor_plan(index, codes)


def measure_one(env: dict, sessions: list[int], codes: list[str], scratch: Path, log) -> list[Round]:
    """One dashboard process, visitors straight to it, the release-day mix; new visitors each round."""
    port = _port()
    flags = public_site(scratch, f"http://127.0.0.1:{port}")
    rounds = []
    with Server(PROJECT_ROOT / "app.py", env, port, flags) as server:
        wait_until_idle([server], log)
        first = 0
        for n in sessions:
            log(f"  one process: {n} visitors, the release-day mix")
            rounds.append(asyncio.run(_round([Target(port)], [server], n, mixed(codes), first, "dashboard")))
            first += n
    return rounds


EMPTY = "empty two-page app"


def measure_empty(env: dict, sessions: list[int], scratch: Path, log) -> list[Round]:
    """The floor: an empty two-page Streamlit app, each visitor viewing both pages; as Streamlit ships it (its
    own folder: Streamlit's default settings), and with the dashboard's .streamlit/config.toml."""
    folder = scratch / "empty"
    folder.mkdir(exist_ok=True)
    empty = folder / "empty_app.py"
    empty.write_text(EMPTY_APP)
    both = lambda index: [(None, ""), ("Two", "")]  # noqa: E731
    rounds = []
    for name, cwd in ((EMPTY, folder), (f"{EMPTY}, the dashboard's settings", PROJECT_ROOT)):
        with Server(empty, env, _port(), cwd=cwd) as server:
            asyncio.run(_round([Target(server.port)], [server], 1, both, 0, "warm"))
            for n in sessions:
                log(f"  {name}: {n} visitors")
                rounds.append(asyncio.run(_round([Target(server.port)], [server], n, both, 0, name)))
    return rounds


def measure_proxy(env: dict, sessions: int, codes: list[str], scratch: Path, log) -> list[Round]:
    """1 and then 2 dashboard processes behind the README's nginx configuration, the same visitors."""
    rounds = []
    for count in (1, 2):
        listen, ports = _port(), [_port() for _ in range(count)]
        flags = public_site(scratch, f"http://127.0.0.1:{listen}")
        with contextlib.ExitStack() as stack:
            servers = [stack.enter_context(Server(PROJECT_ROOT / "app.py", env, p, flags)) for p in ports]
            proxy = stack.enter_context(Proxy(scratch / f"nginx-{count}", listen, ports))
            wait_until_idle(servers, log)

            for n in (sessions // 2, sessions):
                log(f"  {count} process(es) behind nginx: {n} visitors")
                rounds.append(
                    asyncio.run(
                        _round(
                            [Target(listen, through_proxy=True)],
                            servers,
                            n,
                            mixed(codes),
                            100_000 * count + n,
                            f"{count} process{'es' if count > 1 else ''} behind nginx",
                            ("nginx", proxy.cpu_seconds),
                        )
                    )
                )
    return rounds


class Postgres:
    """The throw-away PostgreSQL's CPU: its postmaster, the backends it has reaped and those still running."""

    def __init__(self, data: Path):
        self.pid = int((data / "postmaster.pid").read_text().split()[0])

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.pid, reaped=True)


def measure_lake(
    sessions: list[int], codes: list[str], roster: Path, scratch: Path, log
) -> tuple[list[Round], dict]:
    """Two servers on one DuckLake warehouse while a third process imports `roster`, once per round; then the
    first visitor after an approved upload and its release."""
    sys.path.insert(0, str(PROJECT_ROOT / "tests"))
    from lake_support import running_postgres  # the tests' throw-away PostgreSQL

    rounds = []
    with running_postgres() as pg:
        lake = pg.catalog(pg.database())
        postgres = Postgres(pg.socket_dir / "data")
        env = {**os.environ, "DASHBOARD_DB": lake, "DASHBOARD_DATA_PATH": str(scratch / "lake-data")}
        log("  DuckLake: loading the statewide sample and releasing it")
        for command in (["seed-sample"], ["publish"]):
            analytics(lake, env, *command)
        ports = [_port(), _port()]
        with contextlib.ExitStack() as stack:
            servers = [
                stack.enter_context(
                    Server(PROJECT_ROOT / "app.py", env, p, public_site(scratch, f"http://127.0.0.1:{p}"))
                )
                for p in ports
            ]
            wait_until_idle(servers, log)
            first = 200_000
            for n in sessions:
                log(f"  two servers on DuckLake: {n} visitors, importing {roster.name}")
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
                got = asyncio.run(
                    _round(
                        [Target(p) for p in ports],
                        servers,
                        n,
                        mixed(codes),
                        first,
                        "2 servers, DuckLake, importing",
                        ("PostgreSQL", postgres.cpu_seconds),
                    )
                )
                first += n
                _, err = importing.communicate(timeout=600)
                took = time.perf_counter() - started
                landed = importing.returncode == 0 and _uploads(lake, env) == before + 1
                got.note += (
                    f"; import of 100,000 people: {took:,.0f} s, landed"
                    if landed
                    else f"; import FAILED: {err.strip()}"
                )
                rounds.append(got)
            after = after_release(lake, env, servers, log)
    return rounds, after


def after_release(lake: str, env: dict, servers: list[Server], log) -> dict:
    """A warm view of the statewide Overview on the second server; then an approved upload (an import by the
    command line's reviewer) and its release on the shared warehouse; then the first visitor to that server,
    once it has noticed the change and warmed the new data (the servers are idle again), and another visitor
    arriving at once after the next release, while it warms."""
    target = [Target(servers[1].port)]
    overview = lambda index: [(None, "")]  # noqa: E731
    warm = [asyncio.run(_round(target, servers, 1, overview, 300_000 + i, "warm")).p50 for i in range(5)]

    def release() -> float:
        started = time.perf_counter()
        for command in (["import", SAMPLE_UPLOAD[0], str(SAMPLE_UPLOAD[1])], ["publish"]):
            analytics(lake, env, *command)
        return time.perf_counter() - started

    release()
    warming = wait_until_idle(servers, log)
    settled = asyncio.run(_round(target, servers, 1, overview, 300_100, "after")).p50
    release()
    at_once = asyncio.run(_round(target, servers, 1, overview, 300_200, "at once")).p50
    wait_until_idle(servers, log)
    return {"warm": statistics.median(warm), "after": settled, "warming": warming, "at_once": at_once}


def analytics(lake: str, env: dict, *command: str) -> str:
    """`python -m analytics COMMAND --db LAKE`, as an operator would run it; what it printed."""
    return subprocess.run(
        [sys.executable, "-m", "analytics", *command, "--db", lake],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _uploads(lake: str, env: dict) -> int:
    """How many uploads the shared warehouse lists (through the command line, as an operator would)."""
    return len(analytics(lake, env, "uploads").splitlines())


TARGETS = {
    "cpu": 1.5,  # server CPU per view ÷ the empty app's, at most
    "views": 15.0,  # views a second one process sustains, at least
    "p95": 2.5,  # seconds, p95 settle at 25 visitors, one process, at most
    "scale": 1.6,  # views/s of 2 processes behind nginx ÷ 1, at least
    "after": 2.0,  # the first visitor after an approved upload and release: settle ÷ a warm view, at most
}


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def targets(rounds: list[Round], after: dict | None) -> list[str]:
    """The issue's targets, from this run's rounds."""
    one = {r.sessions: r for r in rounds if r.app == "dashboard"}
    empty = {r.sessions: r for r in rounds if r.app == "empty two-page app"}
    rows = ["| measure | this run | target | |", "|---|---:|---:|---|"]
    ratios = [one[n].cpu_per_view / empty[n].cpu_per_view for n in one if n in empty]
    if ratios:
        worst = max(ratios)
        each = ", ".join(
            f"{one[n].cpu_per_view / empty[n].cpu_per_view:.2f}x at {n}" for n in one if n in empty
        )
        rows.append(
            f"| server CPU per view ÷ the empty two-page app's ({each}) | {worst:.2f}x | "
            f"≤ {TARGETS['cpu']}x | {_met(worst <= TARGETS['cpu'])} |"
        )
    if one:
        best = max(r.views_per_second for r in one.values())
        rows.append(
            f"| views/s one process sustains (the release-day mix) | {best:.1f} | ≥ {TARGETS['views']:.0f} | "
            f"{_met(best >= TARGETS['views'])} |"
        )
    if 25 in one:
        rows.append(
            f"| p95 settle at 25 visitors at once, one process | {one[25].p95:.2f} s | ≤ {TARGETS['p95']} s | "
            f"{_met(one[25].p95 <= TARGETS['p95'])} |"
        )
    proxied = {
        r.app: r for r in rounds if "behind nginx" in r.app
    }  # the last round of each: the most visitors
    if len(proxied) == 2:
        single, double = proxied["1 process behind nginx"], proxied["2 processes behind nginx"]
        scale = double.views_per_second / single.views_per_second
        rows.append(
            f"| views/s, 2 processes behind nginx ÷ 1 ({double.views_per_second:.1f} ÷ "
            f"{single.views_per_second:.1f}, {double.sessions} visitors) | {scale:.2f}x | ≥ {TARGETS['scale']}x | "
            f"{_met(scale >= TARGETS['scale'])} |"
        )
    if after:
        ratio = after["after"] / after["warm"]
        rows.append(
            f"| first visitor after an approved upload and release: settle ÷ a warm view ({after['after']:.2f} s ÷ "
            f"{after['warm']:.2f} s) | {ratio:.2f}x | ≤ {TARGETS['after']}x | {_met(ratio <= TARGETS['after'])} |"
        )
    return rows


def render(rounds: list[Round], after: dict | None, cores: int) -> str:
    lines = [
        "# Load: dashboard servers, many visitors",
        "",
        f"Measured by `make load` (`bench/load.py`) on {cores} cores, {time.strftime('%Y-%m-%d %H:%M')}, load "
        f"average {os.getloadavg()[0]:.1f} at the end. Each visitor is a new session driven through Streamlit's "
        "WebSocket protocol (no browser); all of a round's visitors start at once, each viewing its pages one "
        "after another. The release-day mix: 60% of visitors look at the statewide figures (Overview, "
        "Superintendents, Workforce and one more page), 15% at one region's, 10% at one type's, 8% at a range "
        "of years (4 pages each), 7% at two district profiles; each visitor's choices come from a seed of its "
        "own, so every run sends the same views, and each round's visitors are new ones. Visitors have not "
        "signed in (sign-in configured, public viewing on): they see DESE's released figures. A page that "
        "raised or showed an error fails the run. The servers were started, then left to warm their default "
        "views until idle, before the first round; caches then fill as the visitors come. The warehouse is "
        "`bench/work/state.duckdb` (412 organizations, 10 years, released).",
        "",
        "| app | visitors | page views | p50 settle | p95 settle | server CPU per view | views/s sustained "
        "| server memory | meanwhile |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rounds:
        lines.append(
            f"| {r.app} | {r.sessions} | {r.views} | {r.p50 * 1000:,.0f} ms | {r.p95 * 1000:,.0f} ms | "
            f"{r.cpu_per_view * 1000:,.0f} ms | {r.views_per_second:,.1f} | {r.server_mib:,.0f} MiB | {r.note} |"
        )
    lines += ["", "## Targets", "", *targets(rounds, after)]
    if after:
        lines += [
            "",
            f"After the release the servers noticed the change and warmed the new data's default views in "
            f"{after['warming']:.0f} s (idle again); the visitor measured came then. A visitor arriving at once "
            f"after a release, while the server warms, waited {after['at_once']:.2f} s.",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sessions", default="10,25,50", help="comma-separated numbers of simultaneous visitors"
    )
    parser.add_argument("--no-proxy", action="store_true", help="skip the processes behind nginx")
    parser.add_argument("--no-lake", action="store_true", help="skip the two servers on a DuckLake warehouse")
    args = parser.parse_args(argv)
    sessions = [int(n) for n in args.sessions.split(",")]

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    paths = Paths()
    ensure_data(paths, False, log)
    after = None
    with tempfile.TemporaryDirectory(dir=WORK) as folder:
        scratch = Path(folder)
        db = scratch / "state.duckdb"
        shutil.copy(paths.state, db)
        codes = organization_codes(db)
        env = {**os.environ, "DASHBOARD_DB": str(db)}
        rounds = measure_one(env, sessions, codes, scratch, log)
        rounds += measure_empty(env, sessions, scratch, log)
        if not args.no_proxy:
            rounds += measure_proxy(env, max(sessions), codes, scratch, log)
        if not args.no_lake:
            lake_rounds, after = measure_lake(sessions, codes, paths.roster, scratch, log)
            rounds += lake_rounds
    text = render(rounds, after, os.cpu_count() or 1)
    if args.sessions == "10,25,50" and not args.no_lake and not args.no_proxy:
        RESULTS.write_text(text)
        log(f"wrote {RESULTS.relative_to(PROJECT_ROOT)}")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
