"""Run DAGs once each, one after another, in one Airflow process.

`python -m ingest.dag_runner DAG_ID [DAG_ID ...]` does for each DAG what
`airflow dags test DAG_ID` does (`DAG.test()`: the scheduler's dependency checks, the
real task runner, every task in this process), without paying Airflow's start-up,
the DAG bag's parse and GX's imports again for every DAG: `mwh run` and the e2e tests
run all their DAGs through one such process.

It stops at the first DAG run that fails and exits 1. Lines starting with MARKER say
when each DAG starts and ends; the rest of the output is Airflow's and the tasks' logs.
"""

from __future__ import annotations

import sys
import time

MARKER = "mwh-dag-runner:"


def run(dag_ids: list[str]) -> int:
    from airflow.sdk import timezone
    from airflow.utils.cli import get_bagged_dag
    from airflow.utils.state import DagRunState

    for dag_id in dag_ids:
        print(f"{MARKER} start {dag_id}", flush=True)
        started = time.perf_counter()
        dag = get_bagged_dag(None, dag_id)
        if dag is None:
            print(f"{MARKER} failed {dag_id} 0.0 (no such DAG, or it failed to parse)", flush=True)
            return 1
        state = dag.test(logical_date=timezone.utcnow()).state
        ok = state == DagRunState.SUCCESS
        seconds = time.perf_counter() - started
        print(f"{MARKER} {'success' if ok else 'failed'} {dag_id} {seconds:.1f}", flush=True)
        if not ok:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
