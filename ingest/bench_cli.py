"""`mwh bench ...`: each benchmark against its baseline, in scratch databases on the
warehouse server, printing one JSON object on stdout (progress on stderr)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable


def _validate(dsn: str, args: argparse.Namespace) -> dict:
    from ingest.bench import bench_validate

    return bench_validate(dsn, args.rows, args.table_rows, args.repeat, database=args.database)


def _ingest(dsn: str, args: argparse.Namespace) -> dict:
    from ingest.bench_ingest import bench_ingest

    return bench_ingest(dsn, args.rows, args.repeat, database=args.database)


def _submit(dsn: str, args: argparse.Namespace) -> dict:
    from ingest.submissions.bench import bench_submit

    return bench_submit(dsn, args.rows, args.repeat, fmt=args.format, database=args.database)


def _transform(dsn: str, args: argparse.Namespace) -> dict:
    from ingest.bench_transform import bench_transform

    return bench_transform(dsn, args.repeat, database=args.database, runner=args.runner)


def _runner(name: str, bench: Callable[[str, argparse.Namespace], dict]):
    def run(args: argparse.Namespace) -> int:
        from ingest.runtime import StepFailed, ensure_warehouse

        try:
            report = bench(ensure_warehouse()[0], args)
        except (ValueError, StepFailed) as exc:
            print(f"mwh bench {name}: {exc}", file=sys.stderr)
            return 2
        print(json.dumps(report))
        return 0

    return run


def register(sub) -> None:
    b = sub.add_parser("bench", help="benchmarks, in scratch databases on the warehouse server")
    bench = b.add_subparsers(dest="bench", required=True)
    repeat = {"type": int, "default": 3, "help": "timed runs (medians are reported)"}
    bv = bench.add_parser("validate", help="the quality gate against one hand-written SQL pass")
    bv.add_argument("--rows", type=int, required=True, help="rows in the validated batch")
    bv.add_argument("--table-rows", type=int, help="rows in its table (other batches first)")
    bv.add_argument("--repeat", **repeat)
    bv.add_argument("--database", default="mwh_bench", help="scratch database, dropped first")
    bv.set_defaults(func=_runner("validate", _validate))
    bi = bench.add_parser("ingest", help="our loader against psql \\copy of the same rows")
    bi.add_argument("--rows", type=int, required=True, help="observations in the payload")
    bi.add_argument("--repeat", **repeat)
    bi.add_argument("--database", default="mwh_bench_ingest", help="scratch database")
    bi.set_defaults(func=_runner("ingest", _ingest))
    bs = bench.add_parser("submit", help="a submitted file's load path against psql \\copy")
    bs.add_argument("--rows", type=int, required=True, help="rows in the submitted file")
    bs.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    bs.add_argument("--repeat", **repeat)
    bs.add_argument("--database", default="mwh_bench_submit", help="scratch database")
    bs.set_defaults(func=_runner("submit", _submit))
    bt = bench.add_parser("transform", help="the transform DAG against a plain dbt build")
    bt.add_argument("--repeat", type=int, default=1, help="timed pairs (medians are reported)")
    bt.add_argument("--database", default="mwh_bench_transform", help="scratch database prefix")
    bt.add_argument("--runner", choices=("services", "dags-test"), default="services",
                    help="a scheduler via the REST API, or `mwh run`'s DAG.test()")  # fmt: skip
    bt.set_defaults(func=_runner("transform", _transform))
