"""`mwh`: the project's command line (the DAGs call the same code)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from ingest.config import redact

log = logging.getLogger("mwh")


def cmd_up(args: argparse.Namespace) -> int:
    from ingest.runtime import ensure_warehouse
    from ingest.warehouse import migrate

    dsn, embedded = ensure_warehouse()
    applied = migrate(dsn)
    where = "embedded" if embedded else "WAREHOUSE_DSN"
    # The password stays off the terminal (and out of logs): `mwh dsn` prints it.
    print(f"warehouse ({where}): {redact(dsn)}  (with its password: mwh dsn)")
    if applied:
        print(f"applied migrations: {', '.join(applied)}")
    return up_services(dsn, args.executor) if args.services else 0


def up_services(dsn: str, executor: str) -> int:
    """Airflow's services on this machine (ingest/services.py), then how to log in."""
    from ingest import services, supervision
    from ingest.runtime import StepFailed, dbt_parse

    try:
        print("      dbt parse (the manifest cosmos renders the transform DAG from)")
        dbt_parse(dsn)
        env = services.up(dsn, executor)
    except (StepFailed, RuntimeError) as exc:
        print(f"mwh up: {exc}", file=sys.stderr)
        return 1
    user = services.AIRFLOW_SETTINGS["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"].split(":")[0]
    print(f"Airflow UI and REST API: {services.api_url()}  (executor: {executor})")
    print(f"  login: {user}, password in {services.password_file(env)}")
    print(f"  logs: {supervision.log_file('scheduler').parent}; stop with `make down`")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    from ingest import services

    stopped = services.down()
    print(f"stopped: {', '.join(stopped)}" if stopped else "no service of `mwh up` was running")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from ingest.runtime import ensure_warehouse
    from ingest.warehouse import migrate

    dsn, _ = ensure_warehouse()
    applied = migrate(dsn)
    print(f"applied: {', '.join(applied) if applied else 'nothing (up to date)'}")
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    from ingest import services
    from ingest.embedded import default_server

    if not os.environ.get("WAREHOUSE_DSN") and services.started_services():
        # Their metadata is on this server: supervisord would restart them in vain.
        cmd_down(args)
    stopped = default_server().stop()
    print("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running")
    return 0


def cmd_dsn(args: argparse.Namespace) -> int:
    from ingest.runtime import ensure_warehouse

    print(ensure_warehouse()[0])
    return 0


def cmd_dbt_parse(args: argparse.Namespace) -> int:
    from ingest.runtime import dbt_parse, ensure_warehouse

    print(f"dbt manifest written to {dbt_parse(ensure_warehouse()[0])}")
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from ingest.longcsv import write_long_csv
    from ingest.sources import SOURCE_NAMES, source_module

    if args.source not in SOURCE_NAMES:
        known = ", ".join(SOURCE_NAMES)
        print(f"mwh parse: unknown source {args.source!r} (known: {known})", file=sys.stderr)
        return 2
    try:
        content = Path(args.file).read_bytes()
        dims, rows = source_module(args.source).parse_saved(content, args.measure)
        n = write_long_csv(dims, rows, args.out)
    except (OSError, ValueError) as exc:  # JSON and JSON-stat errors are ValueErrors
        print(f"mwh parse: {args.file}: {exc}", file=sys.stderr)
        return 1
    print(f"{n} observations written to {args.out}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """fetch -> load -> validate for one source's datasets, in this process: the steps
    the `ingest_<source>` DAG runs, with the data interval [--since, now)."""
    from datetime import UTC, datetime

    from ingest import pipeline
    from ingest.runtime import ensure_warehouse
    from ingest.sources import SourceUnavailable, datasets

    try:
        names = [args.dataset] if args.dataset else list(datasets(args.source))
        for name in names:
            datasets(args.source)[name]  # noqa: B018  (an unknown name fails here, early)
    except KeyError as exc:
        print(f"mwh ingest: {exc.args[0]}", file=sys.stderr)
        return 2
    start = datetime.fromisoformat(args.since).replace(tzinfo=UTC) if args.since else None
    end = datetime.now(UTC) if start else None
    dsn = as_loader(ensure_warehouse()[0])
    failed = 0
    for name in names:
        try:
            payload = pipeline.fetch(args.source, name, start=start, end=end, live=args.live)
        except SourceUnavailable as exc:
            print(f"{args.source}/{name}: skipped: {exc}")
            continue
        loaded = pipeline.load(dsn, payload, start=start, end=end)
        status = loaded["status"]
        if pipeline.needs_validation(dsn, loaded["batch_id"]):
            status = pipeline.validate(dsn, loaded)["status"]
        note = "" if loaded["created"] else " (same content as before: nothing loaded)"
        print(
            f"{args.source}/{name}: batch {loaded['batch_id']} {status}, "
            f"{loaded['rows_received']} rows received{note}"
        )
        failed += status == "failed"
    return 1 if failed else 0


def as_loader(admin_dsn: str) -> str:
    """The warehouse migrated (with its admin DSN), then the loader's login to it: what
    the ingest DAGs connect as."""
    from ingest.roles import LOADER, runtime_dsn
    from ingest.warehouse import migrate

    migrate(admin_dsn)
    return runtime_dsn(admin_dsn, LOADER)


def cmd_dbt(args: argparse.Namespace) -> int:
    from ingest.runtime import StepFailed, dbt, ensure_warehouse
    from ingest.warehouse import migrate

    dsn = ensure_warehouse()[0]
    migrate(dsn)  # dbt runs as transformer: its login and grants come from migrate
    try:
        dbt(args.args, dsn, log_name="dbt-cli")
    except StepFailed as exc:
        print(f"mwh dbt: {exc}", file=sys.stderr)
        return 1
    print("dbt: done (log in .mwh/logs/dbt-cli.log)")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """The whole pipeline once, through Airflow, then a summary."""
    from ingest.runtime import (
        StepFailed,
        airflow_db_migrate,
        airflow_env,
        dbt_parse,
        ensure_warehouse,
        run_dags,
        step,
    )
    from ingest.summary import print_summary
    from ingest.warehouse import migrate

    if args.live:
        os.environ["MWH_LIVE"] = "1"
    from ingest.sources import SOURCE_NAMES

    dags = [*(f"ingest_{s}" for s in SOURCE_NAMES), "ingest_submissions", "transform", "report"]
    total = 7
    started = time.perf_counter()
    try:
        with step(1, total, "warehouse"):
            dsn, embedded = ensure_warehouse()
        with step(2, total, "warehouse migrations"):
            applied = migrate(dsn)
            print(f"      applied: {', '.join(applied) or 'none (up to date)'}")
        with step(3, total, "dbt parse (manifest for cosmos)"):
            dbt_parse(dsn)
        env = airflow_env(dsn)
        with step(4, total, "Airflow metadata database"):
            airflow_db_migrate(env)
        with step(5, total, "example submissions into the landing zone"):
            # Airflow's ObjectStoragePath reads its config: the run's, not ~/airflow.
            os.environ["AIRFLOW_HOME"] = env["AIRFLOW_HOME"]
            from ingest.submissions.landing import drop_examples, landing_root

            for dropped in drop_examples():
                print(f"      {dropped}")
            print(f"      landing zone: {landing_root()}")
        with step(6, total, "DAGs through Airflow: every source, submissions, transform, report"):
            run_dags(dags, env)
        with step(total, total, "dbt docs generate, GX Data Docs"):
            dbt_docs = build_dbt_docs_or_say_why(dsn)
            rebuild_data_docs_or_say_why(dsn)
    except StepFailed as exc:
        print(f"\nmwh run failed: {exc}", file=sys.stderr)
        return 1
    print_summary(dsn, embedded=embedded, seconds=time.perf_counter() - started)
    print_data_docs()
    print_dbt_docs(dbt_docs)
    print_report()
    return 0


def print_report() -> None:
    from ingest.report.site import site_index

    # The report DAG built it; a failed build shows in its result above.
    index = site_index()
    print(f"Situation report: {index.as_uri() if index else 'not built (try `mwh report`)'}")


def cmd_report(args: argparse.Namespace) -> int:
    """The situation report rebuilt from the published marts, as the report DAG does."""
    from ingest.report.site import build_site
    from ingest.roles import TRANSFORMER, runtime_dsn
    from ingest.runtime import ensure_warehouse
    from ingest.warehouse import migrate

    dsn = ensure_warehouse()[0]
    migrate(dsn)  # transformer's login and password come from migrate
    started = time.perf_counter()
    index = build_site(runtime_dsn(dsn, TRANSFORMER))
    print(f"Situation report ({time.perf_counter() - started:.1f}s): {index.as_uri()}")
    return 0


def print_data_docs() -> None:
    from ingest.docs import data_docs_index

    # The DAG's data_docs task built them; a failed build must not fail the run.
    index = data_docs_index()
    print(f"GX Data Docs: {index.as_uri() if index else 'not built (try `mwh docs`)'}")


def rebuild_data_docs_or_say_why(dsn: str) -> None:
    """GX Data Docs once more at the end of the run: the DAGs' data_docs tasks built
    them, but a failed task (it is a teardown) does not fail its run. A failure is
    printed, never raised: the earlier site stays."""
    from ingest.docs import build_data_docs

    try:
        build_data_docs(dsn)
    except Exception as exc:  # any failure: reported here, never raised
        print(f"      GX Data Docs not rebuilt: {type(exc).__name__}: {exc}"[:500])


def build_dbt_docs_or_say_why(dsn: str) -> Path | None:
    """dbt's static docs site, or None after printing why it could not be built: the
    data is in place by then, so missing documentation must not fail the run."""
    from ingest.dbt_docs import build_dbt_docs

    try:
        return build_dbt_docs(dsn)
    except Exception as exc:  # any failure: reported here, never raised
        lines = str(exc).splitlines() or [type(exc).__name__]
        # The first line names the log; dbt states the error in its last lines.
        print(f"      dbt docs not built: {lines[0]}")
        for line in lines[1:][-6:]:
            print(f"        {line}")
        return None


def print_dbt_docs(index: Path | None) -> None:
    print(f"dbt docs: {index.as_uri() if index else 'not built (why: see above)'}")


def cmd_summary(args: argparse.Namespace) -> int:
    from ingest.runtime import ensure_warehouse
    from ingest.summary import print_summary

    dsn, embedded = ensure_warehouse()
    print_summary(dsn, embedded=embedded)
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """Both documentation sites: GX Data Docs (quality) and dbt docs (models)."""
    from ingest.docs import build_data_docs
    from ingest.runtime import ensure_warehouse

    dsn = ensure_warehouse()[0]
    print(f"GX Data Docs: {build_data_docs(dsn).as_uri()}")
    index = build_dbt_docs_or_say_why(dsn)
    print_dbt_docs(index)
    return 0 if index else 1


def cmd_quality(args: argparse.Namespace) -> int:
    from ingest.runtime import ensure_warehouse
    from ingest.summary import print_quality

    print_quality(ensure_warehouse()[0])
    return 0


def cmd_submit(args: argparse.Namespace) -> int:
    """Validate (and unless --dry-run, land) one submitted file; non-zero when refused."""
    from ingest.runtime import ensure_warehouse
    from ingest.submissions.pipeline import submit

    path = Path(args.file)
    if not path.is_file():
        print(f"mwh submit: no such file: {path}", file=sys.stderr)
        return 2
    try:
        r = submit(
            as_loader(ensure_warehouse()[0]), path, args.dataset, municipality=args.municipality,
            submitter=args.submitter or os.environ.get("USER"), dry_run=args.dry_run,
            encoding=args.encoding,
        )  # fmt: skip
    except (KeyError, ValueError, LookupError) as exc:
        print(f"mwh submit: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    label = "dry run (nothing landed)" if r.dry_run else f"batch {r.batch_id}"
    print(f"{path.name} -> {r.dataset}, {label}: {r.status}")
    print(f"  {r.message}")
    if r.rows_received or r.status != "rejected":
        print(f"  rows received {r.rows_received} = loaded {r.rows_loaded} "
              f"+ quarantined {r.rows_quarantined}")  # fmt: skip
    for reason in r.reasons if r.status != "rejected" else ():
        print(f"  - {reason}")
    if r.superseded:
        print(f"  supersedes batch(es) {', '.join(map(str, r.superseded))}")
    if r.report_html:
        print(f"  report: {r.report_html.resolve().as_uri()}")
        print(f"          {r.report_csv.resolve().as_uri()}")
    return 0 if r.accepted else 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mwh", description="Migration data warehouse")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run the pipeline once end to end through Airflow")
    r.add_argument("--live", action="store_true", help="call the live APIs (default: samples)")
    r.set_defaults(func=cmd_run)
    u = sub.add_parser("up", help="start/reuse the warehouse and migrate it")
    u.add_argument(
        "--services",
        action="store_true",
        help="also start Airflow: api-server, scheduler, dag-processor, triggerer",
    )
    u.add_argument(
        "--executor",
        choices=["local", "celery"],
        default="local",
        help="celery: CeleryExecutor with two workers on MWH_CELERY_BROKER_URL",
    )
    u.set_defaults(func=cmd_up)
    sub.add_parser("down", help="stop the services `mwh up --services` started").set_defaults(
        func=cmd_down
    )
    sub.add_parser("migrate", help="apply warehouse migrations").set_defaults(func=cmd_migrate)
    sub.add_parser(
        "stop", help="stop the embedded PostgreSQL (and the services on it)"
    ).set_defaults(func=cmd_stop)
    sub.add_parser("dsn", help="print the warehouse connection string").set_defaults(func=cmd_dsn)
    sub.add_parser("summary", help="rows, validation and models").set_defaults(func=cmd_summary)
    sub.add_parser("quality", help="latest validation per dataset").set_defaults(func=cmd_quality)
    sub.add_parser("docs", help="rebuild the GX Data Docs and dbt docs").set_defaults(func=cmd_docs)
    sub.add_parser("report", help="rebuild the situation report (static site)").set_defaults(
        func=cmd_report
    )
    sub.add_parser("dbt-parse", help="write the dbt manifest").set_defaults(func=cmd_dbt_parse)
    ing = sub.add_parser("ingest", help="fetch, load and validate one source (as its DAG)")
    ing.add_argument("source")
    ing.add_argument("--dataset", help="one dataset of the source (default: all)")
    ing.add_argument("--since", help="start of the data interval, YYYY-MM-DD (default: all)")
    ing.add_argument("--live", action="store_true", help="call the live API (default: samples)")
    ing.set_defaults(func=cmd_ingest)
    d = sub.add_parser("dbt", help="run dbt on the warehouse, e.g. `mwh dbt build -s staging`")
    d.add_argument("args", nargs=argparse.REMAINDER)
    d.set_defaults(func=cmd_dbt)
    pa = sub.add_parser("parse", help="write a saved response's observations as long CSV")
    pa.add_argument("source")
    pa.add_argument("file")
    pa.add_argument("--out", required=True)
    pa.add_argument("--measure", help="override the measure name (default: the dataset code)")
    pa.set_defaults(func=cmd_parse)
    from ingest.bench_cli import register as register_bench

    register_bench(sub)
    from ingest.users import register as register_users

    register_users(sub)
    from ingest.submissions.datasets import DATASETS

    su = sub.add_parser("submit", help="validate and land a municipality's or ministry's file")
    su.add_argument("file")
    su.add_argument("--dataset", required=True, choices=list(DATASETS))
    su.add_argument("--municipality", help="LAU code the file is for (default: national)")
    su.add_argument("--dry-run", action="store_true", help="check only: land nothing")
    su.add_argument("--submitter", help="who sends it (default: $USER)")
    su.add_argument("--encoding", help="the CSV's encoding when detection gets it wrong")
    su.set_defaults(func=cmd_submit)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    # Reports, payloads, logs and the embedded server's files are this user's alone
    # (restored on return: a caller's own files, e.g. a test session's, keep theirs).
    umask = os.umask(0o077)
    try:
        return args.func(args)
    finally:
        os.umask(umask)


if __name__ == "__main__":
    sys.exit(main())
