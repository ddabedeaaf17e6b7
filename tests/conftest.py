"""Shared fixtures: a sample-data warehouse built once per run, and small hand-made ones."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from builders import contents
from lake_support import MISSING, PostgresServer, running_postgres
from streamlit.testing.v1 import AppTest

from analytics import ducklake, warehouse
from analytics.seed import ensure_ready
from analytics.warehouse import connect

ROOT = Path(__file__).resolve().parent.parent
# A dashboard server warms its default views in a thread at start-up and after each change of the data
# (ui/warm.py). The tests' app runs and servers each build a warehouse of their own and look at it at once:
# warming would only spend the cores the other tests need. tests/test_shared_views.py turns it on where it
# is what is tested.
os.environ.setdefault("DASHBOARD_WARM_VIEWS", "0")

# --- which warehouse: the embedded DuckDB file, or the shared one (DuckLake, its catalog in PostgreSQL) -----

# The modules run against both backends: `pytest --warehouse=ducklake` runs these (only), each warehouse a
# test opens made a DuckLake of its own in a throw-away PostgreSQL. `make test` runs them both ways.
SHARED_WAREHOUSE_MODULES = (
    "test_warehouse.py",
    "test_current_tables.py",
    "test_import_cli.py",
    "test_ingest_refusals.py",
    "test_ingest_shapes.py",
    "test_access.py",
    "test_student_reports.py",
    "test_kept_cut.py",
)


def pytest_addoption(parser):
    parser.addoption(
        "--warehouse",
        choices=("duckdb", "ducklake"),
        default=os.environ.get("DASHBOARD_TEST_WAREHOUSE", "duckdb"),
        help="run the warehouse, ingest and command-line tests on the embedded file (duckdb, the default) or "
        "on a shared DuckLake warehouse in a throw-away PostgreSQL (ducklake)",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "embedded_only(reason): holds for the embedded DuckDB file only (says why); skipped with "
        "--warehouse=ducklake",
    )


def on_lake(config) -> bool:
    return config.getoption("--warehouse") == "ducklake"


def pytest_collection_modifyitems(config, items):
    if not on_lake(config):
        return
    kept, left = [], []
    for item in items:
        (kept if item.path.name in SHARED_WAREHOUSE_MODULES else left).append(item)
        marker = item.get_closest_marker("embedded_only")
        if marker:
            item.add_marker(pytest.mark.skip(reason=f"embedded file only: {marker.args[0]}"))
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.fixture(scope="session")
def postgres() -> PostgresServer:
    """A throw-away PostgreSQL server for the session; in CI (REQUIRE_POSTGRES=1) its absence fails the run
    instead of skipping the tests that need it."""
    try:
        with running_postgres() as server:
            yield server
    except FileNotFoundError:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(MISSING + " REQUIRE_POSTGRES is set, so this is a failure.", pytrace=False)
        pytest.skip(MISSING + " Skipped because REQUIRE_POSTGRES is not set (CI sets it).")


class Lakes:
    """DuckLake warehouses in the session's PostgreSQL, each a copy of one migrated template; a warehouse
    file a test names is given a lake of its own the first time it is opened."""

    def __init__(self, server: PostgresServer, data_path: Path):
        self.server, self.data_path = server, data_path
        self.by_path: dict[str, str] = {}
        os.environ[ducklake.DATA_PATH_ENV] = str(data_path)
        self.empty = self.made(None)  # migrated, nothing loaded

    def made(self, template: str | None) -> str:
        """A new catalog database (a copy of `template`, else migrated afresh); its name."""
        name = self.server.database(template)
        warehouse.connect_lake(self.server.catalog(name)).close()
        return name

    def new(self, template: str | None = None) -> str:
        """The warehouse setting of a new lake, a copy of `template` (default: migrated and empty)."""
        return self.server.catalog(self.server.database(template or self.empty))

    def location(self, path) -> str:
        """The lake standing for the warehouse `path` names (a new one for every ':memory:')."""
        if ducklake.is_ducklake(path):
            return str(path)
        if str(path) == ":memory:":
            return self.new()
        key = str(Path(path).resolve())
        if key not in self.by_path:
            self.by_path[key] = self.new()
            # As a file would be there once opened (the command line asks whether the warehouse exists).
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).touch()
        return self.by_path[key]

    def connect(self, path=None, *, read_only: bool = False):
        """analytics.warehouse.connect, with a lake wherever a test names a file or ':memory:'."""
        chosen = path if path is not None else warehouse.default_db_path()
        return warehouse.connect_lake(self.location(chosen), read_only=read_only)


@pytest.fixture(scope="session")
def lakes(postgres, tmp_path_factory) -> Lakes:
    """The session's DuckLake warehouses (their data files in one folder)."""
    return Lakes(postgres, tmp_path_factory.mktemp("lake-data"))


@pytest.fixture(autouse=True)
def warehouse_backend(request, monkeypatch):
    """With --warehouse=ducklake, every `connect` the code under test makes opens a DuckLake instead of
    the file it names (analytics/ducklake.py; the same SQL and the same code paths otherwise)."""
    if not on_lake(request.config):
        yield "duckdb"
        return
    lakes = request.getfixturevalue("lakes")
    monkeypatch.setenv(ducklake.DATA_PATH_ENV, str(lakes.data_path))
    original = connect  # (this module's own `connect` is among those replaced)
    for module in list(sys.modules.values()):
        if getattr(module, "connect", None) is original:
            monkeypatch.setattr(module, "connect", lakes.connect)
    yield "ducklake"


class Templates:
    """Warehouses built once for many tests (by a module's or the session's fixture, which the per-test switch
    to DuckLake, warehouse_backend, does not reach) and copied for each test: on the lake being tested, or
    as files."""

    def __init__(self, request):
        self.lakes = request.getfixturevalue("lakes") if on_lake(request.config) else None

    def connect(self, path: Path):
        """A connection to a new warehouse at `path`, to fill as a template (close it before copying)."""
        return self.lakes.connect(path) if self.lakes else connect(path)

    def state(self, path: Path) -> dict[str, list[tuple]] | str:
        """What a test compares before and after to show that the warehouse at `path` did not change: every
        row of every table (builders.contents); on DuckLake, every row of its catalog database. A lake is
        its catalog (each snapshot, table, column, data file and inlined row is a row there; the data files
        it names never change once written), so the same catalog rows are the same warehouse, and any
        write, even one that changes no figure, shows. Reading the catalog takes a fraction of a second;
        reading every table through the lake took 2-3 s."""
        if not self.lakes:
            return contents(path)
        return self.lakes.server.dump(self._database(path))

    def _database(self, path: Path) -> str:
        """The catalog database of the lake standing for `path`."""
        return self.lakes.by_path[str(path.resolve())].split("dbname=")[1].split()[0]

    def copy(self, template: Path, path: Path) -> Path:
        """A private copy at `path` of the warehouse at `template`, that a test may change: the file copied,
        or on DuckLake the catalog copied (CREATE DATABASE … TEMPLATE; the data files are never changed once
        written, so both catalogs may name them)."""
        if self.lakes:
            self.lakes.by_path[str(path.resolve())] = self.lakes.new(self._database(template))
            path.touch()
            return path
        shutil.copy(template, path)
        return path


@pytest.fixture(scope="session")
def templates(request) -> Templates:
    return Templates(request)


@pytest.fixture(scope="session")
def sample_db_template(tmp_path_factory, templates) -> Path:
    """A warehouse seeded with the bundled sample data (built once; copy it before writing)."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    con = templates.connect(path)
    ensure_ready(con)
    con.close()
    return path


@pytest.fixture
def sample_db(sample_db_template, tmp_path, templates) -> Path:
    """A private copy of the sample warehouse that a test may change."""
    return templates.copy(sample_db_template, tmp_path / "warehouse.duckdb")


@pytest.fixture
def sample_con(sample_db):
    con = connect(sample_db)
    yield con
    con.close()


@pytest.fixture
def open_app(monkeypatch):
    """The one way tests open the dashboard in AppTest: `open_app(db)` runs app.py on the warehouse at `db`
    (the Overview); `page="fellows"` switches to a page, `query={...}` sets the address's parameters first,
    `script="app_pages/upload.py"` runs one page file on its own. Fails on any exception it shows."""

    def opener(db, page: str | None = None, query: dict | None = None, *, script: str = "app.py") -> AppTest:
        monkeypatch.setenv("DASHBOARD_DB", str(db))
        at = AppTest.from_file(str(ROOT / script), default_timeout=90)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        if page not in (None, "overview"):
            at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return opener
