"""
### UNHCR Refugee Statistics: population, asylum, demographics, solutions

Fetches the five datasets of the UNHCR Refugee Statistics API
(`api.unhcr.org/population/v1`: `population`, `asylum-applications`,
`asylum-decisions`, `demographics`, `solutions`), every origin x asylum pair
(`coo_all`/`coa_all`, `cf_type=ISO`) and every page of the answer, loads each into
`raw.unhcr__<dataset>` with COPY in one transaction with its `ops.batches` row, and
validates that batch with the GX suite in `expectations/`. A validated batch updates
the dataset's Airflow Asset, which schedules the `transform` DAG.

* Offline by default: the bundled sample payloads; set `MWH_LIVE=1` for the API.
* Runs monthly (the 3rd, 05:00 UTC): UNHCR publishes its end-year figures once a
  year, in mid-June with the Global Trends report, and corrects them between
  releases without a fixed date. A monthly check picks a release or a correction up
  within a month, and costs nothing otherwise: an unchanged answer has the same
  sha256 and its load is a logged no-op. Checking more often would not get the
  figures earlier in any useful sense for annual statistics.
* Re-runs and backfills are safe: each run asks for `yearFrom` = the year of its
  data interval's start minus the three years UNHCR still revises, `yearTo` = the
  year of its end; the same interval always asks the same years.
* `data_docs` rebuilds the GX Data Docs once every validation is done (passed,
  failed or skipped). It is a teardown: it schedules nothing, and the run's state
  comes from the validations, never from the docs.
"""

from __future__ import annotations

from ingest.ingest_dag import build_ingest_dag

# The 3rd of each month: see the schedule note above.
dag = build_ingest_dag("unhcr", schedule="0 5 3 * *", doc_md=__doc__)
