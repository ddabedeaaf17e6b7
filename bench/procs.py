"""Processes the load measurements start and read: waiting for one to answer, and its CPU from /proc."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def wait_until_up(port: int, process: subprocess.Popen, what: str, seconds: float = 60.0) -> None:
    """Wait until http://127.0.0.1:`port`/_stcore/health answers (Streamlit's, or through the proxy); a
    process that ended, or no answer in `seconds`, is a RuntimeError naming `what`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return
        except OSError:
            if process.poll() is not None:
                said = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"{what} did not start (exit {process.returncode}): {said}") from None
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer in {seconds:.0f} s")


def cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """A process's CPU seconds, all its threads (utime + stime); with `reaped`, also its children that have
    ended and been waited for (cutime + cstime). 0 for a process that is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11 : 15 if reaped else 13]) / TICKS


def children(pid: int) -> list[int]:
    """The processes `pid` started that are still running."""
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in found.read_text().split()] if found.exists() else []


def tree_cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """A process's CPU and its running children's (with `reaped`, also its ended children's)."""
    return cpu_seconds(pid, reaped=reaped) + sum(cpu_seconds(child) for child in children(pid))
