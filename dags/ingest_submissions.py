"""
### Submissions: files from municipalities and ministries

Watches the landing zone (`MWH_LANDING_URL`, a folder by default; any store Airflow's
ObjectStoragePath reaches) for files in `incoming/<dataset>/<LAU code | national>/`
and submits each one: safe parsing (CSV in UTF-8, Windows-1250/1251 or ISO-8859-2, or
XLSX read-only without formulas or XML entities, within size and ratio limits), COPY
into `raw.submissions__<dataset>` with its `ops.batches` row, the GX suite in
`expectations/`, quarantine of failing rows with their reasons, and a feedback report
(HTML and CSV) in `reports/`. The file moves to `processed/` or `rejected/`.

* One task per dataset: reception_capacity, registered_arrivals, needs_assessment,
  funding. A task updates its dataset's Asset (and so schedules `transform`) only
  when a file landed new rows; otherwise it is skipped.
* The same file twice is a logged no-op; a corrected file for the same municipality
  and period supersedes the earlier one in staging, and both stay in the ledger.
* A refused file is not a failed run: its report tells the steward what to fix.
  A file whose submission raised (warehouse down) stays in `incoming/` for the next run.
* `data_docs` rebuilds the GX Data Docs once every submission is done, when a file
  was validated since the last build (a teardown, as in the ingest DAGs).
* Every ten minutes: stewards expect their report soon after they drop a file.
"""

from __future__ import annotations

import os

from ingest.submissions.landing_dag import build_submissions_dag

# MWH_SUBMISSIONS_SCHEDULE: another cron (the services tests poll every minute).
dag = build_submissions_dag(
    schedule=os.environ.get("MWH_SUBMISSIONS_SCHEDULE", "*/10 * * * *"), doc_md=__doc__
)
