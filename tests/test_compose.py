"""The container stack, read as files: docker-compose.yml, Dockerfile, .env.example,
.dockerignore.

Docker does not run on CI, so these tests check the wiring that `docker compose up`
would otherwise only reveal at run time: services, shared settings, secrets, volumes,
start order, and that the Dockerfile builds from the lock file.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest
import yaml
from packaging.specifiers import SpecifierSet

from ingest.config import TELEMETRY_OFF, dsn_parts, normalise_dsn

ROOT = Path(__file__).resolve().parents[1]

DATA_SERVICES = {"postgres", "redis", "warehouse"}
LONG_RUNNING_AIRFLOW = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "airflow-worker-dbt",
}
REQUIRED_SERVICES = DATA_SERVICES | LONG_RUNNING_AIRFLOW | {"airflow-init"}
# Host folders Docker creates at run time; they must be git-ignored, not committed.
RUNTIME_MOUNTS = {"./logs"}
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|_KEY)$")


# --- reading the files -----------------------------------------------------------------


class MissingVariable(LookupError):
    pass


# Compose interpolation: $$ escapes, ${VAR}, ${VAR:-default}, ${VAR:?error}, ${VAR:+alt}, $VAR.
_INTERPOLATION = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_]\w*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}|\$(?P<bare>[A-Za-z_]\w*)"
)


def interpolate(text: str, lookup: Callable[[str], str | None]) -> str:
    def replace(m: re.Match) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group("name") or m.group("bare")
        op, arg, value = m.group("op"), m.group("arg") or "", lookup(name)
        missing = (not value) if op and op.startswith(":") else value is None
        if op in (":-", "-"):
            return arg if missing else value
        if op in (":?", "?"):
            if missing:
                raise MissingVariable(f"{name}: {arg}")
            return value
        if op in (":+", "+"):
            return "" if missing else arg
        return value or ""

    return _INTERPOLATION.sub(replace, text)


def interpolate_tree(node, lookup: Callable[[str], str | None]):
    """Like compose: values are interpolated after YAML parsing, keys are not."""
    if isinstance(node, dict):
        return {k: interpolate_tree(v, lookup) for k, v in node.items()}
    if isinstance(node, list):
        return [interpolate_tree(v, lookup) for v in node]
    return interpolate(node, lookup) if isinstance(node, str) else node


def strings(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)
    elif isinstance(node, str):
        yield node


@cache
def compose_raw() -> dict:
    # safe_load resolves the `<<: *airflow-common` merge keys and the aliases.
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose_with(lookup: Callable[[str], str | None]) -> dict:
    return interpolate_tree(compose_raw(), lookup)


def from_env_marker(name: str) -> str:
    return f"envvar<{name}>"


@cache
def env_example() -> dict[str, str]:
    entries = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f".env.example: not KEY=VALUE: {line!r}"
            entries[key.strip()] = value.strip()
    return entries


def compose_from_env_example(*, unique: bool = False) -> dict:
    """What `cp .env.example .env && docker compose config` would produce; `unique`
    gives each `change-me` placeholder a value of its own (`unique-<NAME>`), so a test
    can tell which secret ended up where."""
    entries = env_example()
    if unique:
        entries = {k: f"unique-{k}" if v == "change-me" else v for k, v in entries.items()}
    return compose_with(entries.get)


def services(compose: dict | None = None) -> dict:
    return (compose or compose_raw())["services"]


def airflow_services(compose: dict | None = None) -> dict:
    return {n: s for n, s in services(compose).items() if n.startswith("airflow-")}


def common_env(compose: dict | None = None) -> dict:
    """The Airflow services' environment: the env_file (airflow.env), then `environment`."""
    from ingest.orchestration import read_env_file

    common = (compose or compose_raw())["x-airflow-common"]
    files = {k: v for f in common.get("env_file", []) for k, v in read_env_file(ROOT / f).items()}
    return {**files, **common["environment"]}


def mounts(service: dict) -> list[tuple[str, str, str]]:
    """(source, target, mode) of each short-syntax volume entry."""
    out = []
    for entry in service.get("volumes", []):
        assert isinstance(entry, str), f"use the short volume syntax: {entry!r}"
        source, target, *mode = entry.split(":")
        out.append((source, target, mode[0] if mode else "rw"))
    return out


def named_volume_holding(service: dict, path: str) -> tuple[str, str] | None:
    """(volume, target) of the named volume that contains `path` in this service."""
    for source, target, _ in mounts(service):
        if not source.startswith((".", "/")) and PurePosixPath(path).is_relative_to(target):
            return source, target
    return None


@cache
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per logical line, continuations joined."""
    instructions, buf = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        logical, buf = buf + stripped, ""
        keyword, _, args = logical.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    return instructions


def dockerfile_env() -> dict[str, str]:
    env = {}
    for keyword, args in dockerfile():
        if keyword == "ENV":
            for item in shlex.split(args):
                key, _, value = item.partition("=")
                env[key] = value
    return env


def dockerfile_copies() -> list[tuple[list[str], PurePosixPath]]:
    """(sources, absolute destination) of each COPY from the build context."""
    copies, workdir = [], PurePosixPath("/")
    for keyword, args in dockerfile():
        if keyword == "WORKDIR":
            workdir = workdir / args
        if keyword not in ("COPY", "ADD"):
            continue
        tokens = json.loads(args) if args.startswith("[") else shlex.split(args)
        flags = [t for t in tokens if t.startswith("--")]
        paths = [t for t in tokens if not t.startswith("--")]
        if any(f.startswith("--from") for f in flags):
            continue
        copies.append((paths[:-1], workdir / paths[-1]))
    return copies


def run_commands() -> list[str]:
    return [args for keyword, args in dockerfile() if keyword == "RUN"]


def dockerignore() -> set[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return {ln.strip().rstrip("/") for ln in lines if ln.strip() and not ln.startswith("#")}


# --- services ----------------------------------------------------------------------------


def test_required_services_exist():
    missing = REQUIRED_SERVICES - set(services())
    assert not missing, f"docker-compose.yml lacks services: {sorted(missing)}"


def test_airflow_services_use_the_common_anchor():
    common = compose_raw()["x-airflow-common"]
    assert common.get("build") in (".", {"context": "."}), "the image is built from ./Dockerfile"
    problems = []
    for name, svc in airflow_services().items():
        for key in ("image", "build", "volumes"):
            if svc.get(key) != common.get(key):
                problems.append(f"{name}: {key} differs from x-airflow-common")
        if name != "airflow-init" and svc.get("user") != common.get("user"):
            problems.append(f"{name}: user differs from x-airflow-common")
        env = svc.get("environment", {})
        # airflow-init alone migrates, with the superuser's DSN (see below).
        own = {"WAREHOUSE_DSN"} if name == "airflow-init" else set()
        for key, value in common["environment"].items():
            if env.get(key) != value and key not in own:
                problems.append(f"{name}: environment {key} is {env.get(key)!r}, not {value!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("postgres", "pg_isready"),
        ("redis", "redis-cli ping"),
        ("warehouse", "pg_isready"),
        ("airflow-apiserver", "http://localhost:8080/api/v2/version"),
        ("airflow-scheduler", "http://localhost:8974/health"),
        ("airflow-dag-processor", "airflow jobs check --job-type DagProcessorJob"),
        ("airflow-triggerer", "airflow jobs check --job-type TriggererJob"),
        ("airflow-worker", "inspect ping"),
    ],
)
def test_healthcheck(service, expected):
    check = services().get(service, {}).get("healthcheck")
    assert check, f"{service} has no healthcheck"
    test = check["test"]
    assert isinstance(test, list) and test[0] in ("CMD", "CMD-SHELL"), test
    assert expected in " ".join(test[1:]), f"{service}: healthcheck {test} lacks {expected!r}"


def test_every_long_running_service_has_a_healthcheck():
    # Anything that others wait on with `service_healthy` needs one.
    lacking = [n for n, s in services().items() if n != "airflow-init" and "healthcheck" not in s]
    assert not lacking, f"no healthcheck: {lacking}"


def test_airflow_commands_match_the_image_entrypoint():
    entrypoints = [json.loads(a) for k, a in dockerfile() if k == "ENTRYPOINT"]
    assert entrypoints and entrypoints[-1] == ["airflow"], "commands are airflow subcommands"
    expected = {
        "airflow-apiserver": "api-server",
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-triggerer": "triggerer",
    }
    # The workers serve the queues `mwh up --services --executor celery` starts them on.
    from ingest.services import CELERY_WORKERS

    for name, args in CELERY_WORKERS.items():
        expected[f"airflow-{name}"] = shlex.join(["celery", "worker", *args])
    actual = {n: services().get(n, {}).get("command") for n in expected}
    assert actual == expected
    # The scheduler serves its health endpoint on 8974 only when asked to.
    assert common_env()["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"].lower() == "true"


def test_init_prepares_metadata_warehouse_and_manifest():
    init = services()["airflow-init"]
    script = " ".join(init["command"]) if isinstance(init["command"], list) else init["command"]
    # Commands only: an `echo` or a comment naming a step does not run it.
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith(("echo", "#"))]
    for step in ("airflow db migrate", "mwh migrate", "mwh dbt-parse"):
        assert any(step in ln for ln in lines), f"airflow-init does not run `{step}`"
    # The manifest cosmos reads must be the one dbt-parse writes.
    env = common_env()
    target = re.search(r'DBT_TARGET_PATH="?([^"\s]+)', script)
    assert target, "airflow-init must send dbt's target to the shared volume"
    # Compose turns $${MWH_HOME} into ${MWH_HOME}; the shell then expands it.
    target_dir = interpolate(interpolate(target.group(1), lambda _: None), env.get)
    assert str(PurePosixPath(env["MWH_DBT_MANIFEST"]).parent) == target_dir
    for name in ("airflow-init", "airflow-dag-processor", "airflow-worker"):
        assert named_volume_holding(services()[name], env["MWH_DBT_MANIFEST"]), (
            f"{name} cannot see the dbt manifest on a shared volume"
        )


# --- secrets -----------------------------------------------------------------------------


@pytest.mark.parametrize("var", ["AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY"])
def test_shared_signing_key_is_identical_and_required_from_env(var):
    values = {n: s.get("environment", {}).get(var) for n, s in airflow_services().items()}
    assert None not in values.values(), f"{var} missing in {values}"
    assert len(set(values.values())) == 1, f"{var} differs between services: {values}"
    value = next(iter(values.values()))
    assert re.fullmatch(rf"\$\{{{var}:\?[^}}]+\}}", value), (
        f"{var} must be required from .env (${{{var}:?...}}), not {value!r}"
    )


def test_no_literal_secrets_in_the_compose_file():
    rendered = compose_with(from_env_marker)
    marker = re.compile(r"envvar<\w+>")
    problems = []
    for name, svc in services(rendered).items():
        for key, value in svc.get("environment", {}).items():
            if SECRET_NAME.search(key) and not marker.fullmatch(value):
                problems.append(f"{name}: {key} is not taken from the environment")
            if "://" in value:
                password = urlsplit(value).password
                if password and not marker.fullmatch(password):
                    problems.append(f"{name}: {key} has a literal password")
    assert not problems, "\n".join(problems)


def test_env_example_lists_every_variable_and_only_those():
    used = {
        m.group("name") or m.group("bare")
        for s in strings(compose_raw())
        for m in _INTERPOLATION.finditer(s)
        if m.group(0) != "$$"
    }
    listed = set(env_example())
    assert not used - listed, f"missing from .env.example: {sorted(used - listed)}"
    assert not listed - used, f"unused in docker-compose.yml: {sorted(listed - used)}"


def test_env_example_renders_and_holds_only_placeholders():
    compose_from_env_example()  # raises MissingVariable for a required one left empty
    required = {
        m.group("name")
        for s in strings(compose_raw())
        for m in _INTERPOLATION.finditer(s)
        if (m.group("op") or "").endswith("?")
    }
    assert required, "the secrets must be required (${VAR:?...})"
    real = {v: env_example()[v] for v in required if env_example()[v] != "change-me"}
    assert not real, f".env.example must hold placeholders only: {real}"


def test_env_file_is_kept_out_of_git_and_the_image():
    assert ".env" in dockerignore()
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT).returncode == 0
    assert ignored, ".env holds the secrets: add it to .gitignore"


# --- warehouse and executor --------------------------------------------------------------


def test_warehouse_is_separate_from_the_metadata_database():
    svc = services()
    assert {"postgres", "warehouse"} <= set(svc)
    meta = [s for s, _, _ in mounts(svc["postgres"])]
    data = [s for s, _, _ in mounts(svc["warehouse"])]
    assert meta and data and not set(meta) & set(data), "the two databases share a volume"
    declared = set(compose_raw().get("volumes") or {})
    assert set(meta + data) <= declared, "database volumes must be named, top-level volumes"
    assert (
        svc["postgres"]["environment"]["POSTGRES_DB"]
        != svc["warehouse"]["environment"]["POSTGRES_DB"]
    )
    assert "${WAREHOUSE_PORT:-5433}" in " ".join(svc["warehouse"].get("ports", []))
    published = services(compose_from_env_example())["warehouse"]["ports"]
    assert published == [f"127.0.0.1:{env_example()['WAREHOUSE_PORT']}:5432"], published


RUNTIME_LOGINS = {
    "AIRFLOW_CONN_WAREHOUSE": ("loader", "MWH_LOADER_PASSWORD"),
    "WAREHOUSE_DSN": ("loader", "MWH_LOADER_PASSWORD"),
    "AIRFLOW_CONN_WAREHOUSE_TRANSFORM": ("transformer", "MWH_TRANSFORMER_PASSWORD"),
}


def _warehouse_parts(value: str) -> dict[str, str]:
    assert value.startswith(("postgresql://", "postgres://")), value
    parts = dsn_parts(normalise_dsn(value))  # as ingest.config reads it at run time
    assert parts["host"] == "warehouse", "inside the stack the warehouse is the `warehouse` host"
    assert parts["port"] == "5432", "the container port, not the one published on the host"
    return parts


@pytest.mark.parametrize("var", sorted(RUNTIME_LOGINS))
def test_airflow_reaches_the_warehouse_as_the_runtime_roles(var):
    rendered = compose_from_env_example(unique=True)
    wh_env = services(rendered)["warehouse"]["environment"]
    parts = _warehouse_parts(common_env(rendered)[var])
    user, secret = RUNTIME_LOGINS[var]
    assert parts["dbname"] == wh_env["POSTGRES_DB"]
    assert (parts["user"], parts["password"]) == (user, f"unique-{secret}")


def test_only_init_holds_the_superusers_password():
    """Migrations are the one superuser step: airflow-init runs them with the superuser's
    DSN and hands the runtime roles their passwords; no other service can log in as it."""
    rendered = compose_from_env_example(unique=True)
    svc = services(rendered)
    superuser = svc["warehouse"]["environment"]["POSTGRES_PASSWORD"]
    init = svc["airflow-init"]["environment"]
    parts = _warehouse_parts(init["WAREHOUSE_DSN"])
    assert (parts["user"], parts["password"]) == (
        svc["warehouse"]["environment"]["POSTGRES_USER"], superuser)  # fmt: skip
    for var in ("MWH_LOADER_PASSWORD", "MWH_TRANSFORMER_PASSWORD"):
        assert init[var] == f"unique-{var}"
    assert "mwh migrate" in " ".join(svc["airflow-init"]["command"])
    for name in LONG_RUNNING_AIRFLOW:
        env = svc[name].get("environment") or {}
        assert not any(superuser in str(v) for v in env.values()), name


def test_executor_is_celery_on_redis_and_postgres():
    env = common_env()
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    hosts = {
        "AIRFLOW__CELERY__BROKER_URL": "redis",
        "AIRFLOW__CELERY__RESULT_BACKEND": "postgres",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "postgres",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": "airflow-apiserver",
    }
    for var, host in hosts.items():
        assert urlsplit(interpolate(env[var], lambda _: "x")).hostname == host, var
        assert host in services(), f"{var} points at a service that does not exist"
    api = urlsplit(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"])
    assert api.path == "/execution/"
    assert any(p.endswith(f":{api.port}") for p in services()["airflow-apiserver"]["ports"])


# --- start order -------------------------------------------------------------------------


def condition(service: dict, dependency: str) -> str | None:
    deps = service.get("depends_on", {})
    assert isinstance(deps, dict), "use the long depends_on syntax, with conditions"
    return (deps.get(dependency) or {}).get("condition")


def test_airflow_services_wait_for_healthy_postgres_and_redis():
    bad = [
        f"{name} -> {dep}"
        for name, svc in airflow_services().items()
        for dep in ("postgres", "redis")
        if condition(svc, dep) != "service_healthy"
    ]
    assert not bad, f"not waiting for service_healthy: {bad}"


def test_airflow_services_wait_for_init_to_complete():
    bad = [
        name
        for name in LONG_RUNNING_AIRFLOW
        if condition(services().get(name, {}), "airflow-init") != "service_completed_successfully"
    ]
    assert not bad, f"start before airflow-init has finished: {bad}"


def test_warehouse_users_wait_for_a_healthy_warehouse():
    for name in ("airflow-init", "airflow-worker"):
        assert condition(services()[name], "warehouse") == "service_healthy", name


# --- volumes -----------------------------------------------------------------------------


def test_mounted_host_folders_exist_and_runtime_ones_are_ignored():
    problems = []
    gitignore = {ln.strip().rstrip("/") for ln in (ROOT / ".gitignore").read_text().splitlines()}
    for name, svc in services().items():
        for source, _, mode in mounts(svc):
            if not source.startswith((".", "/")):
                continue
            if source in RUNTIME_MOUNTS:
                if source.removeprefix("./") not in gitignore:
                    problems.append(f"{name}: {source} is runtime output and must be git-ignored")
            elif not (ROOT / source).exists():
                problems.append(f"{name}: {source} does not exist in the repository")
            elif mode != "ro":
                problems.append(f"{name}: source folder {source} should be mounted read-only")
    assert not problems, "\n".join(problems)


def test_source_mounts_shadow_the_copies_baked_into_the_image():
    copied = {dest: srcs for srcs, dest in dockerfile_copies()}
    source_mounts = [
        (s, t) for s, t, _ in mounts(compose_raw()["x-airflow-common"]) if s.startswith("./")
    ]
    expected = {"./dags", "./ingest", "./dbt_project", "./expectations"}
    assert expected <= {s for s, _ in source_mounts}
    for source, target in source_mounts:
        if source in RUNTIME_MOUNTS:
            continue
        dest = PurePosixPath(target)
        assert dest in copied, f"{source} is mounted at {target}, but the image has it elsewhere"
        assert [s.rstrip("/") for s in copied[dest]] == [source.removeprefix("./")]
    # Airflow's default dags_folder is $AIRFLOW_HOME/dags.
    airflow_home = PurePosixPath(dockerfile_env()["AIRFLOW_HOME"])
    assert ("./dags", str(airflow_home / "dags")) in source_mounts


def test_payload_volume_is_shared_by_every_airflow_service():
    payloads = common_env()["MWH_PAYLOAD_DIR"]
    worker = named_volume_holding(services()["airflow-worker"], payloads)
    assert worker, "fetch and load may run on different workers: payloads need a named volume"
    assert worker[0] in (compose_raw().get("volumes") or {}), "declare it in top-level volumes"
    assert worker[0] not in {s for s, _, _ in mounts(services()["warehouse"])}
    lacking = [
        name
        for name, svc in airflow_services().items()
        if named_volume_holding(svc, payloads) != worker
    ]
    assert not lacking, f"payload volume not mounted at the same place in: {lacking}"


def test_telemetry_is_off_in_compose_and_image():
    env, image_env = common_env(), dockerfile_env()
    for key, value in TELEMETRY_OFF.items():
        assert env.get(key) == value, f"docker-compose.yml: {key}={env.get(key)!r}"
        assert image_env.get(key) == value, f"Dockerfile: {key}={image_env.get(key)!r}"


def test_compose_has_the_airflow_settings_mwh_run_uses():
    from ingest.orchestration import AIRFLOW_SETTINGS

    env = common_env()
    for key, value in AIRFLOW_SETTINGS.items():
        assert env.get(key) == value, f"docker-compose.yml: {key}={env.get(key)!r}"


# --- Dockerfile --------------------------------------------------------------------------


def test_dockerfile_installs_locked_dependencies_before_the_source():
    steps = dockerfile()
    syncs = [i for i, (k, a) in enumerate(steps) if k == "RUN" and "uv sync" in a]
    assert syncs, "the image must install with `uv sync`"
    for i in syncs:
        assert "--frozen" in steps[i][1] and "--no-dev" in steps[i][1], steps[i][1]

    def copy_index(name: str) -> int:
        hits = [i for i, (k, a) in enumerate(steps) if k == "COPY" and name in shlex.split(a)]
        assert hits, f"the Dockerfile does not COPY {name}"
        return hits[0]

    first, last = syncs[0], syncs[-1]
    assert copy_index("uv.lock") < first and copy_index("pyproject.toml") < first
    # Cache: the dependency layer does not depend on the source.
    assert first < copy_index("ingest/"), "install dependencies before copying the source"
    assert "--no-install-project" in steps[first][1]
    # The project itself (and its `mwh` script) is installed after the source is in.
    assert copy_index("ingest/") < last and "--no-install-project" not in steps[last][1]


def test_dockerfile_copy_sources_exist_and_are_not_ignored():
    ignored = dockerignore()
    copies = dockerfile_copies()
    assert copies
    for sources, _ in copies:
        for src in sources:
            assert (ROOT / src).exists(), f"COPY {src}: no such file in the repository"
            assert src.rstrip("/") not in ignored, f"COPY {src}: excluded by .dockerignore"
    copied = {s.rstrip("/") for srcs, _ in copies for s in srcs}
    needed = {"pyproject.toml", "uv.lock", "README.md", "ingest", "dags", "dbt_project"}
    assert needed | {"expectations"} <= copied, sorted(needed - copied)


def test_dockerignore_keeps_local_state_out_of_the_build():
    missing = {".git", ".venv", ".mwh", ".env", "dbt_project/target"} - dockerignore()
    assert not missing, f".dockerignore lacks {sorted(missing)}"


def test_dockerfile_runs_as_non_root_with_the_venv_on_path():
    users = [a for k, a in dockerfile() if k == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the image must not run as root"
    env = dockerfile_env()
    assert env.get("AIRFLOW_HOME") == "/opt/airflow"
    venv = env.get("UV_PROJECT_ENVIRONMENT")
    assert venv and env.get("PATH", "").startswith(f"{venv}/bin:"), "uv's venv must come first"


def test_base_image_matches_the_projects_python_and_airflow():
    base = next(a for k, a in dockerfile() if k == "FROM").split()[0]
    match = re.fullmatch(
        r"python:(?P<py>3\.\d+)(?:\.\d+)?-slim(?:-\w+)?"
        r"|apache/airflow:(?P<airflow>[\d.]+)-python(?P<apy>3\.\d+)",
        base,
    )
    assert match, f"base image {base!r}: expected python:3.x-slim or apache/airflow"
    python = match.group("py") or match.group("apy")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    requires = SpecifierSet(pyproject["project"]["requires-python"])
    assert requires.contains(f"{python}.0"), f"Python {python} is outside {requires}"
    if match.group("airflow"):
        lock = tomllib.loads((ROOT / "uv.lock").read_text())
        locked = {p["name"]: p["version"] for p in lock["package"]}
        assert locked["apache-airflow"] == match.group("airflow")


def test_uv_version_matches_the_makefile():
    pin = re.compile(r"uv==([\d.]+)")
    image = pin.findall(" ".join(run_commands()))
    makefile = pin.findall((ROOT / "Makefile").read_text())
    assert image and makefile and set(image) == set(makefile), (image, makefile)


def test_landing_zone_is_one_mounted_folder_for_every_airflow_service():
    url = common_env(compose_from_env_example())["MWH_LANDING_URL"]
    assert url.startswith("file:///")
    folder = url.removeprefix("file://")
    for name, service in airflow_services(compose_from_env_example()).items():
        targets = [target for _, target, _ in mounts(service)]
        assert folder in targets, f"{name} does not mount the landing zone at {folder}"
