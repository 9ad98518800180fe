"""Shared fixtures: a real PostgreSQL, warehouses cloned from session templates, dbt with
one parse per session, a local Airflow.

Tests use WAREHOUSE_TEST_DSN when set (CI: the server at 127.0.0.1:5432), otherwise the
embedded server. Every run creates its own databases (named `mwh_test_<session id>...`)
and drops them afterwards; with MWH_KEEP_TEST_DB set they are kept for a look.

**Templates.** A state that several modules need is built once per session, only when a
test asks for it, and kept as a PostgreSQL template; a module gets its own copy
(`CREATE DATABASE <copy> TEMPLATE <template>`, well under a second) and may change it
freely. The layers (session-scoped; tests use the clones below, not these):

* `migrated_template`: the migrations applied (schemas, ledger, roles, every raw table).
* `built_empty_template`: that, plus `dbt build` of the whole project except the snapshot
  on the empty raw tables: the seeds are loaded, every view and (empty) table exists,
  every unit test has passed, and so has every data test that reads no raw data (the
  seeds' tests, those of the models that read seeds only, e.g. the code crosswalk).
* `built_sample_template`: the migrated warehouse with every source's bundled sample
  ingested as `mwh ingest <source>` does (offline fetch, load, GX validation), the
  example submissions through the landing zone as `mwh run` drops them, then a full
  `dbt build` (snapshot included): the sample warehouse of `make run`.

**Clones** (module-scoped: one database per test module, dropped after it):

* `warehouse_dsn`: a fresh, migrated, empty warehouse (a copy of `migrated_template`).
* `built_empty_warehouse_dsn`: a copy of `built_empty_template`. A module loads only its
  own rows and builds only the nodes that read them; see `MODULE_BUILD` below.
* `built_warehouse_dsn`: a copy of `built_sample_template`, for any test that reads the
  figures of the samples.

**dbt.** dbt's partial parsing is void once the profile changes, and the profile holds
the database's name. So the session's clones take one fixed name, `mwh_test_<session
id>`, while it is free (one module at a time holds it; a second clone in the same
module gets a name of its own, and dbt parses from scratch for it), and the templates
are built under that name too, then renamed. `dbt_parse_state` is the session's one full
`dbt parse` for that name; `run_dbt` copies its `partial_parse.msgpack` into a module's
own target folder, so the module's dbt commands skip parsing (about 7 s each). dbt runs
in the test process (`dbt_command`; a dbt process spends about 3 s importing itself).

* `dbt_parse_state` (session): a folder holding the session's `target/` of `dbt parse`.
* `run_dbt` (module): `run_dbt(dsn, *args)` runs dbt with the project, profile and
  environment `ingest.runtime.dbt` gives it (StepFailed naming the failed nodes), with
  the module's own target and log folders (`run_dbt.folder`), from the session's parse.
  MWH_TEST_DBT_SUBPROCESS=1 runs each command through `ingest.runtime.dbt` instead.
* `MODULE_BUILD`: the arguments that leave out of a module's `dbt build` in a copy of
  `built_empty_template` what that template has built and tested already and no
  module row can change: the seeds, the tests that read only seeds (under `cautious`
  indirect selection, a test that also reads a model, e.g. a relationship from a
  staging model to a seed, still runs) and the unit tests (they read fixtures only).
  It also rebuilds incremental models from scratch, as in a fresh warehouse.
* `dbt_manifest` (session): the manifest cosmos renders the transform DAG from.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

import pytest

from ingest.config import TELEMETRY_OFF

# Before anything imports Airflow: a throwaway Airflow home for this test session.
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="mwh-airflow-test-"))
os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(Path(__file__).resolve().parents[1] / "dags")
os.environ.update(TELEMETRY_OFF)
# Reports, payloads and logs the code under test writes go to the session's own state
# folder, never the developer's `.mwh/` (whose embedded server the tests may still use).
_USER_STATE = Path(os.environ.get("MWH_HOME", Path(__file__).resolve().parents[1] / ".mwh"))
os.environ["MWH_HOME"] = tempfile.mkdtemp(prefix="mwh-test-state-")
# Tests never use the developer's warehouse settings by accident.
for var in ("WAREHOUSE_DSN", "AIRFLOW_CONN_WAREHOUSE", "MWH_LIVE"):
    os.environ.pop(var, None)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = PROJECT_ROOT.parent / "shared" / "real-data"

# See the module docstring: what a module's `dbt build` in a copy of the built-empty
# template leaves out, and incremental models rebuilt as in a fresh warehouse.
MODULE_BUILD = (
    "--exclude", "resource_type:seed", "--exclude-resource-type", "unit_test",
    "--indirect-selection", "cautious", "--full-refresh",
)  # fmt: skip


def _keep() -> bool:
    return bool(os.environ.get("MWH_KEEP_TEST_DB"))


@pytest.fixture(scope="session")
def server_dsn() -> str:
    """A DSN for a maintenance database on a real PostgreSQL server."""
    from ingest.config import normalise_dsn, with_dbname

    dsn = os.environ.get("WAREHOUSE_TEST_DSN")
    if dsn:
        return with_dbname(normalise_dsn(dsn), "postgres")
    from ingest.embedded import EmbeddedServer
    from ingest.roles import use_embedded_passwords

    server = EmbeddedServer(_USER_STATE / "postgres")
    server.start()
    use_embedded_passwords(server)
    return server.dsn("postgres")


def _create_database(server_dsn: str, prefix: str) -> tuple[str, str]:
    import psycopg

    from ingest.config import with_dbname

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return name, with_dbname(server_dsn, name)


def _drop_database(server_dsn: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def _dbname(dsn: str) -> str:
    from ingest.config import dsn_parts

    return dsn_parts(dsn)["dbname"]


class Databases:
    """The session's databases on the test server: templates, and clones of them that
    take the session's fixed name (`slot`) while it is free."""

    def __init__(self, server_dsn: str) -> None:
        self.server_dsn = server_dsn
        self.prefix = f"mwh_test_{uuid.uuid4().hex[:8]}"
        self.slot = self.prefix
        self.slot_taken = False
        self.templates: list[str] = []
        self._drops: list[threading.Thread] = []

    def dsn(self, name: str) -> str:
        from ingest.config import with_dbname

        return with_dbname(self.server_dsn, name)

    def _sql(self, sql: str, params: tuple | None = None) -> None:
        import psycopg

        with psycopg.connect(self.server_dsn, autocommit=True) as conn:
            conn.execute(sql, params)

    def _disconnect(self, name: str) -> None:
        """Close every session on `name` (pooled connections a test left open): a
        template must have none, and a rename needs none."""
        self._sql(
            "select pg_terminate_backend(pid) from pg_stat_activity"
            " where datname = %s and pid <> pg_backend_pid()",
            (name,),
        )

    def _name(self, label: str) -> str:
        return f"{self.prefix}_{label}_{uuid.uuid4().hex[:6]}"[:63]

    def create(self, label: str, template: str | None = None) -> str:
        """A new database (a copy of `template`), under the fixed name if it is free."""
        name = self._name(label) if self.slot_taken else self.slot
        if template:
            from ingest.warehouse import copy_database

            self._disconnect(template)
            copy_database(self.server_dsn, template, name)
        else:
            self._sql(f'create database "{name}"')
        self.slot_taken |= name == self.slot
        return name

    def rename(self, name: str, new: str) -> None:
        self._disconnect(name)
        self._sql(f'alter database "{name}" rename to "{new}"')
        if name == self.slot:
            self.slot_taken = False

    def make_template(self, name: str, label: str) -> str:
        """The built database `name` kept as the template `<prefix>_<label>`."""
        template = f"{self.prefix}_{label}"
        self.rename(name, template)
        self.templates.append(template)
        return template

    def release(self, name: str, label: str) -> None:
        """A clone is done: dropped (in the background: PostgreSQL checkpoints on every
        drop), or kept under a name of its own with MWH_KEEP_TEST_DB."""
        if _keep():
            if name == self.slot:
                self.rename(name, self._name(label))
            return
        if name == self.slot:
            # The fixed name must be free at once for the next module.
            trash = self._name("drop")
            self.rename(name, trash)
            name = trash
        drop = threading.Thread(
            target=_drop_database, args=(self.server_dsn, name), name=f"drop {name}"
        )
        drop.start()
        self._drops.append(drop)

    def close(self) -> None:
        for drop in self._drops:
            drop.join()
        if not _keep():
            for template in self.templates:
                _drop_database(self.server_dsn, template)


@pytest.fixture(scope="session")
def databases(server_dsn: str):
    """The session's `Databases` (templates, clones and the fixed dbt name)."""
    dbs = Databases(server_dsn)
    yield dbs
    dbs.close()


def _module_label(request) -> str:
    return request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")[:24]


def _clone_for(databases: Databases, template: str, request):
    label = _module_label(request)
    name = databases.create(label, template)
    try:
        yield databases.dsn(name)
    finally:
        databases.release(name, label)


# ---------------------------------------------------------------- dbt


def dbt_command(args: list[str] | tuple[str, ...], dsn: str, folder: Path) -> None:
    """dbt against `dsn`'s database with the target and log folders in `folder`, as
    `ingest.runtime.dbt` runs it (as transformer, same project, profile and
    environment; StepFailed on
    failure), but in this process: a dbt process spends about 3 s importing itself.
    MWH_TEST_DBT_SUBPROCESS=1 runs `ingest.runtime.dbt` itself instead."""
    from ingest.config import DBT_PROJECT_DIR, dbt_env, patched_environ
    from ingest.roles import TRANSFORMER, runtime_dsn
    from ingest.runtime import StepFailed, dbt

    folders = ["--target-path", str(folder / "target"), "--log-path", str(folder / "logs")]
    if os.environ.get("MWH_TEST_DBT_SUBPROCESS"):
        dbt([*args, *folders], dsn, log_name=f"dbt-test-{folder.name}")
        return
    from dbt.cli.main import dbtRunner

    env = {**TELEMETRY_OFF, **dbt_env(runtime_dsn(dsn, TRANSFORMER))}
    cwd = os.getcwd()
    try:
        with patched_environ(env):
            res = dbtRunner().invoke(
                [*args, "--project-dir", str(DBT_PROJECT_DIR),
                 "--profiles-dir", str(DBT_PROJECT_DIR), *folders]
            )  # fmt: skip
    finally:
        os.chdir(cwd)  # dbt works from the project folder
    if res.success:
        return
    why = [f"{type(res.exception).__name__}: {res.exception}"] if res.exception else []
    for result in getattr(res.result, "results", None) or ():
        if str(result.status) not in ("success", "pass", "warn", "skipped", "no-op"):
            why.append(f"{result.node.unique_id}: {result.status}: {result.message}")
    raise StepFailed(
        f"dbt {' '.join(args[:3])} failed; log {folder / 'logs' / 'dbt.log'}:\n" + "\n".join(why)
    )


@pytest.fixture(scope="session")
def dbt_parse_state(databases: Databases, tmp_path_factory) -> Path:
    """The session's one full `dbt parse`, for the fixed database name (parsing opens
    no connection): `<folder>/target` holds its partial_parse.msgpack and manifest."""
    folder = tmp_path_factory.mktemp("dbt-session")
    dbt_command(["parse"], databases.dsn(databases.slot), folder)
    assert (folder / "target" / "partial_parse.msgpack").exists(), "dbt parse wrote no state"
    return folder


def _seed_parse_state(
    target: Path, dsn: str, state: Path, slot: str, *, replace: bool = False
) -> None:
    """Start a target folder from the session's parse when dbt will find it valid (the
    fixed database name); `replace` overwrites the state a target folder holds."""
    saved = target / "partial_parse.msgpack"
    if (saved.exists() and not replace) or _dbname(dsn) != slot:
        return
    target.mkdir(parents=True, exist_ok=True)
    tmp = saved.with_name(f".{saved.name}.{uuid.uuid4().hex[:6]}")
    shutil.copy2(state / "target" / "partial_parse.msgpack", tmp)
    tmp.replace(saved)  # atomic: another dbt reading this folder never sees half a file


class DbtRunner:
    """`runner(dsn, *args)`: `dbt_command` with this runner's folder (`folder/target`,
    `folder/logs`), its target started from the session's parse."""

    def __init__(self, folder: Path, state: Path, slot: str) -> None:
        self.folder, self.state, self.slot = folder, state, slot
        self._database: str | None = None

    def __call__(self, dsn: str, *args: str) -> None:
        # Back to the fixed name after another database: the folder's state is void.
        switched = self._database not in (None, _dbname(dsn))
        self._database = _dbname(dsn)
        _seed_parse_state(self.folder / "target", dsn, self.state, self.slot, replace=switched)
        dbt_command(args, dsn, self.folder)


@pytest.fixture(scope="module")
def run_dbt(request, databases: Databases, dbt_parse_state: Path, tmp_path_factory) -> DbtRunner:
    """dbt for one module: its own target and log folders, the session's parse."""
    folder = tmp_path_factory.mktemp(f"dbt-{_module_label(request)}")
    return DbtRunner(folder, dbt_parse_state, databases.slot)


@pytest.fixture(scope="session")
def dbt_manifest(databases: Databases, dbt_parse_state: Path) -> Path:
    """cosmos renders the transform DAG from the manifest that `dbt parse` writes (for
    the session's fixed database name, from the session's parse state)."""
    from ingest.config import DBT_PROJECT_DIR
    from ingest.runtime import dbt_parse

    dsn = databases.dsn(databases.slot)
    _seed_parse_state(DBT_PROJECT_DIR / "target", dsn, dbt_parse_state, databases.slot,
                      replace=True)  # fmt: skip
    # As `mwh run` parses it: for the DAG's target, so that its build can reuse the parse.
    path = dbt_parse(dsn, log_name="dbt-parse-tests")
    assert path.exists(), "dbt parse wrote no manifest"
    return path


# ---------------------------------------------------------------- templates


@pytest.fixture(scope="session")
def migrated_template(databases: Databases) -> str:
    """The name of a template database with every migration applied."""
    from ingest.warehouse import migrate

    name = databases.create("migrated")
    migrate(databases.dsn(name))
    return databases.make_template(name, "migrated")


@pytest.fixture(scope="session")
def built_empty_template(
    databases: Databases, migrated_template: str, dbt_parse_state: Path, tmp_path_factory
) -> str:
    """The name of a template database: migrated, then the whole project but the
    snapshot built on empty raw tables, with the tests that read no raw data (a test
    downstream of a source runs where a module has loaded its rows)."""
    name = databases.create("empty", migrated_template)
    runner = DbtRunner(tmp_path_factory.mktemp("dbt-built-empty"), dbt_parse_state,
                       databases.slot)  # fmt: skip
    runner(databases.dsn(name), "build",
           "--exclude", "resource_type:snapshot", "resource_type:test,source:*+")  # fmt: skip
    return databases.make_template(name, "empty")


@pytest.fixture(scope="session")
def built_sample_template(
    databases: Databases, migrated_template: str, dbt_parse_state: Path, tmp_path_factory
) -> str:
    """The name of a template database: the sample warehouse (see the docstring)."""
    from ingest.samples import ingest_samples

    name = databases.create("sample", migrated_template)
    tmp = tmp_path_factory.mktemp("sample-warehouse")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MWH_PAYLOAD_DIR", str(tmp / "payloads"))
        ingest_samples(databases.dsn(name), tmp / "landing")
    runner = DbtRunner(tmp / "dbt", dbt_parse_state, databases.slot)
    runner(databases.dsn(name), "build")
    return databases.make_template(name, "sample")


# ---------------------------------------------------------------- clones


@pytest.fixture(scope="module")
def warehouse_dsn(request, databases: Databases, migrated_template: str):
    """A fresh, migrated, empty warehouse for one test module."""
    yield from _clone_for(databases, migrated_template, request)


@pytest.fixture(scope="module")
def built_empty_warehouse_dsn(request, databases: Databases, built_empty_template: str):
    """A warehouse for one test module with the seeds loaded and the whole project (but
    the snapshot) built on empty raw tables; see `built_empty_template`."""
    yield from _clone_for(databases, built_empty_template, request)


@pytest.fixture(scope="module")
def built_warehouse_dsn(request, databases: Databases, built_sample_template: str):
    """The sample warehouse for one test module: every source's samples and the example
    submissions ingested, then a full `dbt build`."""
    yield from _clone_for(databases, built_sample_template, request)


@pytest.fixture(scope="session")
def airflow_metadata() -> Path:
    """`airflow db migrate` once per session, SQLite in the session's Airflow home."""
    from ingest.runtime import airflow_db_migrate, airflow_env

    env = airflow_env("postgresql://unused@127.0.0.1/unused", home=_AIRFLOW_HOME)
    airflow_db_migrate(env)
    return _AIRFLOW_HOME


def pytest_sessionfinish(session, exitstatus) -> None:
    """The session's state folder goes with it (MWH_KEEP_TEST_DB keeps it for a look)."""
    if not _keep():
        shutil.rmtree(os.environ["MWH_HOME"], ignore_errors=True)


@pytest.fixture(scope="session")
def browser_context():
    """A headless Chromium (tests/browser.py), one per session; offline pages only."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context
        context.close()
        browser.close()
