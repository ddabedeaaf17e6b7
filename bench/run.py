"""`python -m bench`: generate the bench data (or reuse it while its inputs are unchanged), run each
measurement in its own process, and write the results to bench/results.md (and print them)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.exports import export_module_available

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORK = PROJECT_ROOT / "bench" / "work"
RESULTS = PROJECT_ROOT / "bench" / "results.md"
PAGES = [
    "overview",
    "superintendents",
    "fellows",
    "districts",
    "students",
    "workforce",
    "equity_leaders",
    "upload",
    "export",
    "about",
]
OVERVIEW_TITLE = "Are we on track?"  # the default page's: a page that shows it was not the page named
# One organization's profile open on the Districts page (Boston; the first synthetic organization).
PROFILE = {"state": "00350000", "national": "01000100"}

# Targets: an import within 3x of DuckDB's bare read_csv of the same file (CSV) or 2x of fastexcel's bare read
# (Excel); a warm page within 150 ms on the state warehouse (400 ms national); a cold page within 1 s, and
# (issue 24, release-day scale) the state Workforce page within 0.6 s, the national one and a national
# district profile within 2 s.
CSV_RATIO, XLSX_RATIO = 3.0, 2.0
WARM_TARGET = {"state": 0.150, "national": 0.400}
COLD_TARGET = {"state": 1.0}
PAGE_COLD_TARGET = {
    ("state", "workforce"): 0.6,
    ("national", "workforce"): 2.0,
    ("national", "districts (one profile open)"): 2.0,
}
MEMORY_TARGET_MIB = 1024


@dataclass
class Settings:
    rounds: int  # import measurements: rounds of (import, baseline) processes, alternating
    runs: int  # timed runs per import process (after one warm-up)
    warm: int  # warm page runs
    cold: int  # cold page runs
    export_runs: int


FULL = Settings(rounds=2, runs=3, warm=5, cold=3, export_runs=3)
QUICK = Settings(rounds=1, runs=1, warm=2, cold=1, export_runs=1)


@dataclass
class Paths:
    state: Path = WORK / "state.duckdb"
    national: Path = WORK / "national.duckdb"
    roster: Path = WORK / "roster.csv"
    xlsx: Path = WORK / "staffing.xlsx"
    empty_page: Path = WORK / "empty_page.py"
    manifest: Path = WORK / "manifest.json"
    scratch: Path = WORK / "scratch"


@dataclass
class Report:
    started: float = field(default_factory=time.perf_counter)
    data: dict = field(default_factory=dict)
    imports: dict = field(default_factory=dict)
    pages: list = field(default_factory=list)
    exports: dict = field(default_factory=dict)
    load: list = field(default_factory=list)


# --- data -------------------------------------------------------------------------------------------


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for p in sorted(paths):
        digest.update(str(p.relative_to(PROJECT_ROOT)).encode())
        digest.update(p.read_bytes())
    import duckdb

    digest.update(duckdb.__version__.encode())
    return digest.hexdigest()[:16]


def _inputs() -> tuple[str, str]:
    """Fingerprints of what the upload files and the warehouses are made from."""
    a = PROJECT_ROOT / "analytics"
    files = [PROJECT_ROOT / "bench" / "generate.py", PROJECT_ROOT / "data" / "organizations.csv"]
    warehouses = [
        *files,
        *(
            a / name
            for name in (
                "store.py",
                "warehouse.py",
                "schema.py",
                "writes.py",
                "contracts.py",
                "seed.py",
                "releases.py",
            )
        ),
        *sorted((a / "migrations").glob("*.sql")),
        *sorted((PROJECT_ROOT / "data" / "sample").glob("*.csv")),
    ]
    return _fingerprint(files), _fingerprint(warehouses)


def ensure_data(paths: Paths, fresh: bool, log) -> dict:
    """Generate what is missing or out of date; return the manifest (sizes and how long generation took)."""
    WORK.mkdir(parents=True, exist_ok=True)
    files_fp, warehouses_fp = _inputs()
    manifest = json.loads(paths.manifest.read_text()) if paths.manifest.exists() and not fresh else {}
    steps = [
        ("roster", files_fp, paths.roster),
        ("xlsx", files_fp, paths.xlsx),
        ("state", warehouses_fp, paths.state),
        ("national", warehouses_fp, paths.national),
    ]
    for name, fp, path in steps:
        entry = manifest.get(name, {})
        if entry.get("fingerprint") == fp and path.exists():
            log(f"reusing {path.relative_to(PROJECT_ROOT)} (inputs unchanged)")
            continue
        log(f"generating {path.relative_to(PROJECT_ROOT)} …")
        start = time.perf_counter()
        # In its own process, so that this one stays small (its children would inherit its peak memory).
        built = subprocess.run(
            [sys.executable, "-m", "bench.generate", name, str(path)],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        counts = json.loads(built.stdout.strip().splitlines()[-1])
        manifest[name] = {
            "fingerprint": fp,
            "seconds": round(time.perf_counter() - start, 1),
            "bytes": path.stat().st_size,
            **counts,
        }
        paths.manifest.write_text(json.dumps(manifest, indent=2))
    for path in (paths.state, paths.national):  # as the dashboard's first start on them would (bench/README)
        subprocess.run(
            [sys.executable, "-m", "bench.generate", "ready", str(path)],
            cwd=PROJECT_ROOT,
            capture_output=True,
            check=True,
        )
    paths.empty_page.write_text('import streamlit as st\n\nst.title("Empty page")\n')
    return manifest


# --- running measurements -----------------------------------------------------------------------------


def measure(args: list[str], env: dict | None = None) -> dict:
    """Run `python -m bench.measure ARGS` in a new process; its BENCH line, parsed."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.measure", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("BENCH "):
            return json.loads(line[6:])
    raise RuntimeError(f"measurement {args} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")


def measure_imports(paths: Paths, s: Settings, log) -> dict:
    """Each import and its baseline in alternating processes, `rounds` times: (times, peak memory)."""
    kinds = {
        "csv-duckdb": paths.roster,
        "csv-import": paths.roster,
        "xlsx-fastexcel": paths.xlsx,
        "xlsx-import": paths.xlsx,
    }
    out = {k: {"times": [], "in_memory": [], "phases": [], "peak_rss_mib": 0.0} for k in kinds}
    for r in range(s.rounds):
        for kind, file in kinds.items():
            log(f"  {kind} (round {r + 1} of {s.rounds})")
            got = measure(
                [
                    "file",
                    kind,
                    "--file",
                    str(file),
                    "--warehouse",
                    str(paths.state),
                    "--scratch",
                    str(paths.scratch),
                    "--runs",
                    str(s.runs),
                ]
            )
            out[kind]["times"] += got["times"]
            out[kind]["in_memory"] += got["in_memory"]
            out[kind]["phases"] += got["phases"]
            out[kind]["peak_rss_mib"] = max(out[kind]["peak_rss_mib"], got["peak_rss_mib"])
    return out


def measure_pages(paths: Paths, s: Settings, log) -> list[dict]:
    rows = []
    for scale, db in (("state", paths.state), ("national", paths.national)):
        # The server's warming thread (ui/warm.py) off: it would work out the region and type views in the
        # same process, on the same cores, while the page is timed (for over a minute at national scale),
        # and a cold run would time both. `make load` measures servers with it on.
        env = {"DASHBOARD_DB": str(db), "DASHBOARD_WARM_VIEWS": "0"}
        log(f"  empty page ({scale} run)")
        empty = measure(
            ["page", "--script", str(paths.empty_page), "--warm", str(s.warm), "--cold", str(s.cold)],
            {"DASHBOARD_WARM_VIEWS": "0"},
        )
        variants = [(p, None) for p in PAGES] + [("districts", {"org": PROFILE[scale]})]
        for page, query in variants:
            label = page if query is None else f"{page} (one profile open)"
            log(f"  {label} at {scale} scale")
            args = ["page", "--page", page, "--warm", str(s.warm), "--cold", str(s.cold)]
            if query:
                args += ["--query", json.dumps(query)]
            got = measure(args, env)
            if (
                got.get("errors")
                or not got.get("titles")
                or (page != "overview") == (OVERVIEW_TITLE in got["titles"])
            ):
                raise RuntimeError(
                    f"{label} at {scale} scale showed {got.get('titles')}: {got.get('errors')}"
                )
            rows.append({"scale": scale, "label": label, "empty": empty, **got})
    return rows


# --- the report --------------------------------------------------------------------------------------


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.0f} ms"


def _s(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:,.2f} s"


def _mib(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} MiB"


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else "met" if ok else "**not met**"


def _machine() -> list[str]:
    import duckdb
    import fastexcel
    import pandas
    import plotly
    import pyarrow
    import streamlit

    cpu = "unknown CPU"
    with suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    mem = ""
    try:
        kib = int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        mem = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True
    ).stdout.strip()
    return [
        f"- Date: {datetime.now():%Y-%m-%d %H:%M}; commit {commit or 'unknown'} (plus any uncommitted changes)",
        f"- Machine: {cpu}, {os.cpu_count()} cores{mem}; {platform.platform()}",
        f"- Python {platform.python_version()}; streamlit {streamlit.__version__}, duckdb {duckdb.__version__}, "
        f"pandas {pandas.__version__}, pyarrow {pyarrow.__version__}, fastexcel {fastexcel.__version__}, "
        f"plotly {plotly.__version__}",
    ]


def render(report: Report, s: Settings) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench`); see bench/README.md for how "
        "each figure is taken. Times are medians.",
        "",
    ]
    lines += _machine()
    load = report.load
    lines.append(
        f"- Load average (1 min) at the start and end of the run: {load[0]:.1f} and {load[-1]:.1f} "
        "(other work on the machine shows up in every figure; the ratios are taken in the same run)"
    )
    lines.append("")
    lines += _data_lines(report.data)
    lines += _import_lines(report.imports, s)
    lines += _page_lines(report.pages, s)
    lines += _export_lines(report.exports)
    lines += _memory_lines(report.pages)
    lines.append(f"The whole run took {time.perf_counter() - report.started:,.0f} s.")
    lines += _load_section()
    return "\n".join(lines) + "\n"


def _data_lines(d: dict) -> list[str]:
    """## Data: the warehouses measured and the upload files."""
    if not d:
        return []
    lines: list[str] = []
    lines += [
        "## Data",
        "",
        "| | organizations | staffing rows | enrollment rows | uploads | teacher FTE (latest year) | "
        "educator FTE (latest year) | file size |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("state", "national"):
        m = d.get(name)
        if m:
            lines.append(
                f"| {name} warehouse | {m['organizations']:,} | {m['staffing_rows']:,} | "
                f"{m['enrollment_rows']:,} | {m['uploads']} | {m['teacher_fte_latest']:,} | "
                f"{m['educator_fte_latest']:,} | {m['bytes'] / 1e6:,.0f} MB |"
            )
    lines.append("")
    lines.append(
        f"Upload files: `roster.csv`, 100,000 people ({d['roster']['bytes'] / 1e6:.1f} MB, "
        f"Windows-1252, CRLF); `staffing.xlsx`, 50,000 open-data rows ({d['xlsx']['bytes'] / 1e6:.1f} MB)."
    )
    lines.append("")
    return lines


def _import_lines(imp: dict, s: Settings) -> list[str]:
    """## 1-2. Imports: each against its baseline, and where an import's time goes."""
    if not imp:
        return []
    lines: list[str] = []
    lines += [
        "## 1-2. Imports (end to end: read, recognise, check, save into a copy of the state warehouse)",
        "",
        "| file | import | baseline | baseline time | ratio | target | | peak memory (import / baseline) |",
        "|---|---:|---|---:|---:|---:|---|---:|",
    ]
    rows = (
        (
            "100,000-row roster CSV",
            "csv-import",
            imp["csv-duckdb"]["times"],
            "DuckDB `read_csv` into a table (new database file)",
            CSV_RATIO,
            "csv-duckdb",
        ),
        (
            "",
            "csv-import",
            imp["csv-duckdb"]["in_memory"],
            "DuckDB `read_csv` into a table (in memory)",
            CSV_RATIO,
            "csv-duckdb",
        ),
        (
            "50,000-row open-data XLSX",
            "xlsx-import",
            imp["xlsx-fastexcel"]["times"],
            "fastexcel bare read",
            XLSX_RATIO,
            "xlsx-fastexcel",
        ),
    )
    for label, mine, base_times, base_label, target, base in rows:
        a, b = _median(imp[mine]["times"]), _median(base_times)
        ratio = a / b if a and b else None
        memory = f"{_mib(imp[mine]['peak_rss_mib'])} / {_mib(imp[base]['peak_rss_mib'])}" if label else ""
        lines.append(
            f"| {label} | {_s(a) if label else '〃'} | {base_label} | {_s(b)} | {ratio:.2f}x | "
            f"≤ {target:g}x | {_verdict(ratio is not None and ratio <= target)} | {memory} |"
        )
    lines += [
        "",
        "Where an import's time goes, and the import as the Upload page runs it (the app keeps its warehouse "
        "connection open, so opening it and the checkpoint DuckDB makes when a connection closes are not "
        "part of the wait; the save is committed, and so durable, either way):",
        "",
        "| file | open | check: read, recognise, normalise, check | save: one transaction | close: checkpoint "
        "| with the warehouse open (check + save) | ÷ baseline |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, mine, base in (
        ("roster CSV", "csv-import", imp["csv-duckdb"]["in_memory"]),
        ("open-data XLSX", "xlsx-import", imp["xlsx-fastexcel"]["times"]),
    ):
        steps = {k: _median([p[k] for p in imp[mine]["phases"]]) for k in ("open", "check", "save", "close")}
        opened = _median([p["check"] + p["save"] for p in imp[mine]["phases"]])
        against = "DuckDB in memory" if mine == "csv-import" else "fastexcel"
        lines.append(
            f"| {label} | {_s(steps['open'])} | {_s(steps['check'])} | {_s(steps['save'])} | "
            f"{_s(steps['close'])} | {_s(opened)} | {opened / _median(base):.2f}x ({against}) |"
        )
    n = len(imp["csv-import"]["times"])
    lines += [
        "",
        f"{n} timed runs each ({s.rounds} processes alternating import and baseline, one untimed "
        "warm-up per process). The import opens a copy of the state warehouse, reads the file's bytes, checks them "
        "(`check_upload`) and saves them (`save_checked`), then closes the warehouse; the file-backed DuckDB "
        "baseline likewise opens, fills and closes a new database file.",
    ]
    lines.append("")
    return lines


def _page_lines(pages: list, s: Settings) -> list[str]:
    """## 3. Pages: warm, cold and first runs against their targets."""
    if not pages:
        return []
    lines: list[str] = []
    lines += [
        "## 3. Pages (AppTest script run time)",
        "",
        "| scale | page | warm | ÷ empty page | warm target | | cold | cold target | | first run, new process | peak memory |",
        "|---|---|---:|---:|---:|---|---:|---:|---|---:|---:|",
    ]
    for r in pages:
        warm, cold = _median(r["warm"]), _median(r["cold"])
        empty = _median(r["empty"]["warm"])
        wt = WARM_TARGET[r["scale"]]
        ct = PAGE_COLD_TARGET.get((r["scale"], r["label"]), COLD_TARGET.get(r["scale"]))
        errors = f" ⚠ {r['errors'][0][:60]}" if r["errors"] else ""
        lines.append(
            f"| {r['scale']} | {r['label']}{errors} | {_ms(warm)} | {warm / empty:.1f}x | ≤ {_ms(wt)} | "
            f"{_verdict(warm <= wt)} | {_ms(cold)} | {'≤ ' + _s(ct) if ct else '—'} | "
            f"{_verdict(cold <= ct) if ct else ''} | {_s(r['first'])} | {_mib(r['peak_rss_mib'])} |"
        )
    for scale in ("state", "national"):
        empties = [r["empty"] for r in pages if r["scale"] == scale][:1]
        for e in empties:
            lines.append(
                f"| {scale} | *empty page* | {_ms(_median(e['warm']))} | 1.0x | | | {_ms(_median(e['cold']))} "
                f"| | | {_s(e['first'])} | {_mib(e['peak_rss_mib'])} |"
            )
    lines += [
        "",
        f"Warm: the page run again with its results cached (median of {s.warm} runs after the first). "
        f"Cold: `st.cache_data.clear()` and the privacy blocks dropped before each run (median of {s.cold}), in the same process, so the "
        "cached warehouse connection is kept, as on a running server after the data changed. First run: "
        "the page's first run in a new process (imports, opening the warehouse, every query). Each page runs "
        "in its own process, with the server's warming thread off (it would warm region and type views in "
        "the same process while the page is timed); its peak memory is that process's peak resident set "
        "(VmHWM).",
        "",
    ]
    return lines


def _export_lines(e: dict) -> list[str]:
    """## 4. Exports: PNGs and decks, and their peak memory."""
    lines = ["## 4. Exports (analytics/export.py, statewide view)", ""]
    if not e.get("available"):
        lines.append("Not measured: analytics/export.py does not exist yet in this checkout.")
    else:
        lines += [
            "| scale | first PNG (starts the renderer) | one chart's PNG | slowest chart's PNG | PowerPoint deck "
            "| peak memory (Python / renderer, PSS) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in e["rows"]:
            n = r["charts"]
            per_chart = [_median(r["png"][i::n]) for i in range(n)]
            lines.append(
                f"| {r['scale']} | {_s(r['first_png'])} | {_s(_median(r['png']))} | {_s(max(per_chart))} | "
                f"{_s(_median(r['deck']))} ({n} chart slides) | {_mib(r['peak_rss_mib'])} / "
                f"{_mib(r['renderer_peak_rss_mib'])} |"
            )
        lines += [
            "",
            "Each PNG and the deck are built end to end as the Export page builds them: the charts' "
            "queries, the figures, and Kaleido rendering them (2400 x 1350 px) in its own headless Chromium, "
            "whose memory is sampled separately (every 50 ms, all its processes together). No targets were set "
            "for exports.",
            "",
            "The deck's charts are native PowerPoint charts, built without a browser; a chart that cannot be one "
            "(a map) is a picture rendered by Kaleido. Decks timed before any PNG, so nothing has started the "
            "renderer:",
            "",
            "| scale | the Overview's 3 charts | every native chart | all charts (pictures through Kaleido) "
            "| browser started by the native decks |",
            "|---|---:|---:|---:|---|",
        ]
        for r in e["rows"]:
            if "deck_overview" not in r:
                continue
            lines.append(
                f"| {r['scale']} | {_s(_median(r['deck_overview']))} | {_s(_median(r['deck_native']))} "
                f"({r['native_charts']} slides) | {_s(_median(r['deck']))} ({r['charts']} slides) | "
                f"{'yes' if r['browser_for_native'] else 'no'} |"
            )
    lines.append("")
    return lines


def _memory_lines(pages: list) -> list[str]:
    """## 5. Peak memory at national scale, against its target."""
    lines = ["## 5. Peak memory at national scale", ""]
    national = [r for r in pages if r["scale"] == "national"]
    if national:
        worst = max(national, key=lambda r: r["peak_rss_mib"])
        lines.append(
            f"Highest: {_mib(worst['peak_rss_mib'])} ({worst['label']}), target ≤ {MEMORY_TARGET_MIB:,} MiB: "
            f"{_verdict(worst['peak_rss_mib'] <= MEMORY_TARGET_MIB)}."
        )
    lines.append("")
    return lines


LOAD_RESULTS = Path(__file__).resolve().parent / "load_results.md"


def _load_section() -> list[str]:
    """`make load`'s last results (bench/load.py: many visitors at once), under this report's next number."""
    if not LOAD_RESULTS.exists():
        return ["", "## 6. Load", "", "Not measured yet: run `make load`."]
    body = LOAD_RESULTS.read_text().splitlines()[1:]  # its own title replaced by this report's heading
    return ["", "## 6. Load (`make load`, bench/load_results.md)", *body]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of each (a smoke test of the bench)")
    parser.add_argument("--fresh", action="store_true", help="regenerate the data even if it is up to date")
    parser.add_argument(
        "--only",
        choices=["imports", "pages", "exports"],
        action="append",
        help="run only these measurements (repeatable)",
    )
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    only = set(args.only or ["imports", "pages", "exports"])

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    report = Report(load=[os.getloadavg()[0]])
    paths = Paths()
    report.data = ensure_data(paths, args.fresh, log)
    if "imports" in only:
        log("imports:")
        report.imports = measure_imports(paths, settings, log)
    if "pages" in only:
        log("pages:")
        report.pages = measure_pages(paths, settings, log)
    if "exports" in only:
        log("exports:")
        report.exports = {"available": export_module_available(), "rows": []}
        if report.exports["available"]:
            for scale, db in (("state", paths.state), ("national", paths.national)):
                log(f"  PNG and PowerPoint at {scale} scale")
                got = measure(["export", "--warehouse", str(db), "--runs", str(settings.export_runs)])
                report.exports["rows"].append({"scale": scale, **got})
    report.load.append(os.getloadavg()[0])
    text = render(report, settings)
    if only == {"imports", "pages", "exports"} and not args.quick:
        RESULTS.write_text(text)
        log(f"wrote {RESULTS.relative_to(PROJECT_ROOT)}")
    print(text)
    return 0
