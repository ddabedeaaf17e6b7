"""Timing the PowerPoint deck (the Overview's charts, every native chart, and all charts) and the PNG export through analytics/export.py (when it exists), the way the
Export page calls it: a fresh cursor, the goals file, the filters (statewide here)."""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from pathlib import Path


def export_module_available() -> bool:
    """True once analytics/export.py is in the checkout."""
    return importlib.util.find_spec("analytics.export") is not None


class ChildMemory:
    """The peak combined memory of this process's descendants (Kaleido renders in a headless Chromium of
    its own), sampled every 50 ms while running. Chromium's processes share much of their memory, so each
    counts its proportional share (PSS), not its whole resident set."""

    def __init__(self) -> None:
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> ChildMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak_mib = max(self.peak_mib, sum(_pss_mib(p) for p in _descendants(os.getpid())))


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = Path(f"/proc/{current}/task").iterdir()
            children = [int(c) for t in tasks for c in (t / "children").read_text().split()]
        except OSError:
            continue
        found += children
        todo += children
    return found


def _pss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure_exports(warehouse: Path, runs: int) -> dict:
    """First PNG (starting the renderer), every chart's PNG with the renderer running, and the whole deck."""
    if not export_module_available():
        return {"available": False}
    from analytics import export
    from analytics.goals import load_goals
    from analytics.metrics import Filters
    from analytics.warehouse import connect, cursor

    con = connect(warehouse, read_only=True)
    goals, filters = load_goals(), Filters()
    keys = list(export.CHART_KEYS)

    def png(key: str) -> float:
        cur = cursor(con)
        try:
            start = time.perf_counter()
            data = export.chart_png(cur, goals, filters, key)
            took = time.perf_counter() - start
        finally:
            cur.close()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{key}: not a PNG"
        return took

    def deck(chosen: list[str]) -> float:
        cur = cursor(con)
        try:
            start = time.perf_counter()
            data = export.build_deck(cur, goals, filters, tuple(chosen))
            took = time.perf_counter() - start
        finally:
            cur.close()
        assert data[:2] == b"PK", "the deck is not a .pptx"
        return took

    # The decks of native charts first, before anything starts Kaleido: they need no browser.
    native = _native_keys(con, goals, filters, keys)
    with ChildMemory() as renderer:
        overview_decks = [deck(OVERVIEW) for _ in range(runs)]
        native_decks = [deck(native) for _ in range(runs)]
        browser_for_native = getattr(export, "_renderer_started", False)
        first = png(keys[0])
        pngs = [png(k) for _ in range(runs) for k in keys]
        decks = [deck(keys) for _ in range(runs)]
    con.close()
    return {
        "available": True,
        "charts": len(keys),
        "native_charts": len(native),
        "first_png": first,
        "png": pngs,
        "deck": decks,
        "deck_overview": overview_decks,
        "deck_native": native_decks,
        "browser_for_native": browser_for_native,
        "renderer_peak_rss_mib": round(renderer.peak_mib, 1),
    }


# The Overview's charts, as the deck names them.
OVERVIEW = ["superintendents-target-path", "influence-100-fellows", "districts-cumulative"]


def _native_keys(con, goals, filters, keys: list[str]) -> list[str]:
    """The charts the deck draws as native PowerPoint charts (the others are pictures through Kaleido)."""
    from analytics import export
    from analytics.figure_data import NotNative, figure_data
    from analytics.warehouse import cursor

    native = []
    for key in keys:
        cur = cursor(con)
        try:
            figure_data(export.chart_section(cur, goals, filters, key).figure)
            native.append(key)
        except NotNative:
            pass
        finally:
            cur.close()
    return native
