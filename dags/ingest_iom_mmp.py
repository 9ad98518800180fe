"""
### IOM Missing Migrants Project: dead and missing migrants per incident

Downloads the Missing Migrants Project's CSV export
(`Missing_Migrants_Global_Figures_allData.csv`), loads it into
`raw.iom_mmp__incidents` with COPY in one transaction with its `ops.batches` row
(one row per incident entry and number field: dead, missing, total, survivors,
women, men, children), and validates that batch with the GX suite in
`expectations/`. A validated batch updates the dataset's Airflow Asset, which
schedules the `transform` DAG.

* Offline by default: the bundled sample export; set `MWH_LIVE=1` to download it
  (URL overridable with `MWH_IOM_MMP_URL` or `MWH_IOM_MMP_BASE_URL`).
* The whole export on every run, not the data interval: the file cannot be
  filtered, and IOM keeps adding and correcting incidents of past months, so a
  slice by incident date would miss them. An unchanged export (same sha256) is a
  logged no-op; a changed one is a new batch, and staging reads the entries of the
  latest promoted export (an entry IOM removed or merged leaves staging with it).
  Re-runs and backfills therefore load the export as it is at run time.
* Runs weekly: IOM updates the database continuously, without a release calendar,
  so nearly every daily download would differ and add a full batch (about 20,000
  entries x 7 rows) for figures the warehouse compares by month and year; weekly
  keeps staging at most a week behind IOM at a seventh of the raw growth.
* `data_docs` rebuilds the GX Data Docs once every validation is done (passed,
  failed or skipped). It is a teardown: it schedules nothing, and the run's state
  comes from the validations, never from the docs.
"""

from __future__ import annotations

from ingest.ingest_dag import build_ingest_dag

# Tuesday mornings (UTC), a day after Eurostat's run: see the schedule note above.
dag = build_ingest_dag("iom_mmp", schedule="30 5 * * 2", doc_md=__doc__)
