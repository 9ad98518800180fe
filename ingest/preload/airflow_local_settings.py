"""Airflow's local-settings hook, on PYTHONPATH for `mwh up --services` only.

The LocalExecutor and Celery's prefork pool run each task in a fork of the scheduler
or worker, and the dag-processor parses each DAG file in a fork of its own. Imported
here, in the parent, cosmos and the DAG helpers are already in memory in every fork:
a task or a parse then costs its own work, not seconds of imports. That matters most
for the transform, whose ~160 node tasks each make the dag-processor parse its file
again (Airflow sends a task callback for every task that ends in the triggerer).

MWH_PRELOAD_TASK_MODULES: `1` for what tasks import (GX too), `parse` for what
parsing the DAG files imports.
"""

import os

_PRELOAD = os.environ.get("MWH_PRELOAD_TASK_MODULES")

if _PRELOAD in ("1", "parse"):
    import cosmos  # noqa: F401
    import cosmos.operators.watcher  # noqa: F401

    import ingest.orchestration  # noqa: F401
    import ingest.transform_dag  # noqa: F401
    import ingest.watcher  # noqa: F401

if _PRELOAD == "1":
    import great_expectations  # noqa: F401  (every validate task, ~5 s to import)
