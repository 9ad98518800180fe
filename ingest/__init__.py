"""Migration data warehouse: ingest, validation and orchestration helpers."""

__version__ = "0.1.0"
