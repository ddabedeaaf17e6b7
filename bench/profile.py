"""Where a page's run time goes: cProfile of the script thread that AppTest starts.

DASHBOARD_DB=bench/work/state.duckdb python -m bench.profile workforce            # warm runs
DASHBOARD_DB=bench/work/national.duckdb python -m bench.profile workforce --cold  # caches cleared
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def profile_page(page: str, *, cold: bool, runs: int, sort: str, limit: int) -> str:
    """Run `page` once to fill the caches, then `runs` more times under the profiler; the top functions."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    profiler = cProfile.Profile()
    original = LocalScriptRunner._run_script_thread
    active = {"on": False}

    def profiled(self):  # the script runs in its own thread: profile that thread
        if not active["on"]:
            return original(self)
        profiler.enable()
        try:
            return original(self)
        finally:
            profiler.disable()

    LocalScriptRunner._run_script_thread = profiled
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=600)
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    active["on"] = True
    for _ in range(runs):
        if cold:
            from analytics.metrics import forget_cached_blocks
            from ui.data import forget_shared

            st.cache_data.clear()
            forget_shared()
            forget_cached_blocks()
        at.run()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(limit)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("page")
    parser.add_argument("--cold", action="store_true", help="clear st.cache_data before each profiled run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=45)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT_ROOT))
    print(profile_page(args.page, cold=args.cold, runs=args.runs, sort=args.sort, limit=args.limit))


if __name__ == "__main__":
    main()
