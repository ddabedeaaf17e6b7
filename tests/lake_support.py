"""A throw-away PostgreSQL server for the shared-warehouse (DuckLake) tests, and fresh catalog databases in it.

The server runs from the system's PostgreSQL binaries (Debian: `apt-get install postgresql`; `.ci/run` installs
it) in a temporary folder, on a Unix socket and a free port, for one test session. Run as root, it runs as the
`postgres` user (PostgreSQL refuses root). Every warehouse a test makes is a database of its own, copied from a
template that is already migrated (CREATE DATABASE … TEMPLATE: a few hundredths of a second, where migrating
a new lake takes seconds); all of them keep their data files in one session folder (DuckLake names each file
uniquely, and never changes a file once written).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
MISSING = (
    "PostgreSQL was not found (initdb and pg_ctl). The shared-warehouse tests start a throw-away server: "
    "install it with `sudo apt-get install postgresql` (Debian; `.ci/run` does this)."
)


def postgres_bin() -> Path | None:
    """The folder holding initdb, pg_ctl and psql: the newest /usr/lib/postgresql/*/bin, else the PATH's."""
    for folder in _BIN_DIRS:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    """One running server: its socket folder and port; `database()` makes a new, empty database."""

    bin: Path
    socket_dir: Path
    port: int
    user: str = "postgres"
    _names: Iterator[int] = field(default_factory=itertools.count)

    def _client(self, program: str, *args: str) -> str:
        """Run a PostgreSQL client program as the superuser (trust authentication on the socket); its output."""
        done = subprocess.run(
            [
                str(self.bin / program),
                "-h",
                str(self.socket_dir),
                "-p",
                str(self.port),
                "-U",
                self.user,
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode:
            raise RuntimeError(f"{program} {' '.join(args)!r} failed: {done.stderr.strip()}")
        return done.stdout

    def psql(self, statement: str, database: str = "postgres") -> str:
        """Run one statement; its output."""
        return self._client(
            "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", statement
        ).strip()

    def dump(self, database: str) -> str:
        """Every row of `database`, as pg_dump writes it (the same text for the same rows)."""
        out = self._client("pg_dump", "--data-only", "--no-owner", database)
        # pg_dump 15.14 and later fence the script with \restrict and \unrestrict lines naming a random key.
        return "".join(
            line
            for line in out.splitlines(keepends=True)
            if not line.startswith(("\\restrict ", "\\unrestrict "))
        )

    def database(self, template: str | None = None) -> str:
        """A new database (a copy of `template`, if given); its name."""
        name = f"lake_{os.getpid()}_{next(self._names)}"
        copy = f" TEMPLATE {template}" if template else ""
        for wait in (0.1, 0.2, 0.5, 1, 2, None):
            try:
                self.psql(f"CREATE DATABASE {name}{copy}")
                return name
            except RuntimeError as problem:
                # A template is copied only while nothing is connected to it; the last connection of a
                # closed DuckDB instance may take a moment to go.
                if wait is None or "being accessed by other users" not in str(problem):
                    raise
                time.sleep(wait)
        raise AssertionError("unreachable")

    def catalog(self, database: str) -> str:
        """The warehouse setting for a DuckLake whose catalog is `database` on this server."""
        return f"ducklake:postgres:dbname={database} host={self.socket_dir} port={self.port} user={self.user}"


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a throw-away PostgreSQL server for the block; stop it and delete its files after."""
    folder = postgres_bin()
    if folder is None:
        raise FileNotFoundError(MISSING)
    root = Path(tempfile.mkdtemp(prefix="dashboard-pg-"))
    as_root = os.geteuid() == 0
    run_as: list[str] = []
    if as_root:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        os.chmod(root, 0o755)
        run_as = ["runuser", "-u", "postgres", "--"]
    data, socket_dir, port = root / "data", root, _free_port()
    try:
        subprocess.run(
            [*run_as, str(folder / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        options = f"-p {port} -k {socket_dir} -c listen_addresses='' -c fsync=off -c max_connections=500"
        subprocess.run(
            [
                *run_as,
                str(folder / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "log"),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        try:
            yield PostgresServer(folder, socket_dir, port)
        finally:
            subprocess.run(
                [*run_as, str(folder / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=120,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
