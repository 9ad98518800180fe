"""The bundled samples into a warehouse in this process, without Airflow: every source's
sample payloads (fetch offline, load, validate, as `mwh ingest <source>`) and the example
submissions through a landing zone (as the submissions DAG takes them). The benches and
the test suite's sample warehouse start from this."""

from __future__ import annotations

from pathlib import Path


def ingest_samples(dsn: str, landing: Path) -> None:
    """Everything `mwh run` ingests, into `dsn`; `landing` is a scratch landing zone."""
    from airflow.sdk import ObjectStoragePath

    from ingest import pipeline
    from ingest.roles import LOADER, runtime_dsn
    from ingest.sources import SOURCE_NAMES, SourceUnavailable, datasets
    from ingest.submissions.datasets import DATASETS as SUBMISSIONS
    from ingest.submissions.landing import drop_examples, process_dataset

    dsn = runtime_dsn(dsn, LOADER)  # as the DAGs run it
    for source in SOURCE_NAMES:
        for name in datasets(source):
            try:
                payload = pipeline.fetch(source, name, live=False)
            except SourceUnavailable:
                continue
            loaded = pipeline.load(dsn, payload)
            if pipeline.needs_validation(dsn, loaded["batch_id"]):
                pipeline.validate(dsn, loaded)
    root = ObjectStoragePath(landing.as_uri())
    drop_examples(root)
    for dataset in SUBMISSIONS:
        if problems := process_dataset(dsn, dataset, root).problems():
            raise RuntimeError(f"the example submissions: {problems}")
