"""
### Report: the situation report per governance level

A static, offline HTML site (`MWH_SITE_DIR`, default `.mwh/site/`): one page per
municipality of the local marts, per country and per region group, and an index. Each
page shows the latest figures, each with its quality badges (freshness, completeness
and validity from `mart_quality_scorecard`, the source dataset, the period coverage),
and charts of the arrivals trend, the per-1,000 pressure ranking, reception occupancy
against capacity and needs against funding where the level has such data.

Scheduled on the Asset `warehouse_published`, which the transform DAG's `publish`
updates: the report follows each published generation, never a half-built one. It
reads the published marts only, as `transformer` (connection `warehouse_transform`),
and is built in a sibling folder and swapped in, so a reader never sees half a site.

(Airflow's safe mode parses a file only if it names both "airflow" and "dag": this
one builds its DAG in `ingest.report.dag`.)
"""

from __future__ import annotations

from ingest.report.dag import build_report_dag

report = build_report_dag(doc_md=__doc__)
