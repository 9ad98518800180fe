"""Airflow's local-settings hook, on PYTHONPATH for `mwh up --services` only.

The LocalExecutor and Celery's prefork pool run each task in a fork of the scheduler
or worker. Imported here, in the parent, cosmos and the DAG helpers are already in
memory in every fork: a cosmos per-model task or a GX validation then costs its own
work, not seconds of imports, which for the transform's ~100 tasks on 2 cores is minutes.
"""

import os

if os.environ.get("MWH_PRELOAD_TASK_MODULES") == "1":
    import cosmos  # noqa: F401
    import cosmos.operators.watcher  # noqa: F401
    import great_expectations  # noqa: F401  (every validate task, ~5 s to import)

    import ingest.orchestration  # noqa: F401
    import ingest.transform_dag  # noqa: F401
