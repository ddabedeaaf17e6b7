"""A folder the command line really may not write to, for the tests of what it says then.

The folder is made read-only with chmod, as an administrator would. That does not stop root (tests often run
as root in containers), so as root the command also runs in a mount namespace of its own where the folder is
bound read-only (`unshare -m`; the rest of the machine sees no change). Nothing is simulated: the operating
system refuses the write, as it would on a read-only share."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from builders import ROOT_DIR

# How the operating system says no: to anyone but root, the folder's permissions; to root, the mount.
REFUSALS = ("Permission denied", "Read-only file system")


def read_only(folder: Path) -> Path:
    """`folder`, made (if need be) and then read-only: r-x for everyone."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o555)
    return folder


def run_command_line(*argv: object, read_only_folder: Path) -> subprocess.CompletedProcess:
    """`python -m analytics ARGV` in its own process, which may not write to `read_only_folder`."""
    command = [sys.executable, "-m", "analytics", *map(str, argv)]
    if os.geteuid() == 0:
        unshare = shutil.which("unshare")
        assert unshare, (
            "running as root, the read-only folder needs `unshare` (util-linux) to bind it read-only"
        )
        script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'
        command = [unshare, "-m", "sh", "-c", script, "sh", str(read_only_folder), *command]
    return subprocess.run(command, cwd=ROOT_DIR, capture_output=True, text=True, timeout=300)
