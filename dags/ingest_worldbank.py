"""
### World Bank: WDI migration and population indicators

Fetches the World Bank API v2 (WDI) indicators `SM.POP.NETM` (net migration),
`SM.POP.TOTL` (international migrant stock), `SP.POP.TOTL` (population, the
denominator), `SM.POP.RHCR.EA` and `SM.POP.RHCR.EO` (refugees by country of asylum
and of origin, which replace the retired `SM.POP.REFG`) for every economy, following
every page, and the economy list that tells countries from aggregates (regions,
income groups, the EU, the world). Each dataset is loaded into
`raw.worldbank__<dataset>` with COPY in one transaction with its `ops.batches` row
and validated with its GX suite in `expectations/`; a validated batch updates the
dataset's Airflow Asset, which schedules the `transform` DAG.

* Offline by default: the bundled sample payloads; set `MWH_LIVE=1` for the API.
* Runs weekly: WDI is updated a few times a year without a fixed date, and the
  weekly request is about sixteen pages of 1,000 rows. An unchanged answer is the same
  payload (same sha256), a logged no-op, so weekly polling costs little and picks
  up an update within a week; monthly polling would save next to nothing and add
  up to a month of delay.
* Re-runs and backfills are safe: each run asks for the years of its data
  interval plus the ten years before (`date=YYYY:YYYY`), which WDI still revises.
* An archived indicator (API message id 175, HTTP 200) fails the fetch with an
  error naming the indicator and its replacement.
* `data_docs` rebuilds the GX Data Docs once every validation is done (passed,
  failed or skipped). It is a teardown: the run's state comes from the validations.
"""

from __future__ import annotations

from ingest.ingest_dag import build_ingest_dag

# Wednesday mornings (UTC), apart from the Monday Eurostat run: see the note above.
dag = build_ingest_dag("worldbank", schedule="0 5 * * 3", doc_md=__doc__)
