"""What every raw dataset declares: one name used for its raw table, GX suite and asset."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawDataset:
    source: str  # the one name of the source, e.g. "eurostat"
    name: str  # the dataset within the source, e.g. "asylum_applicants_monthly"
    columns: tuple[str, ...]  # source columns, all stored as text in raw
    natural_key: tuple[str, ...]  # unique within one batch
    description: str = ""
    # The GX suite's name when it is not the dataset's own (a dry run of a submission
    # loads into its own table but is checked by the dataset's suite).
    suite: str = ""

    @property
    def key(self) -> str:
        """`<source>__<dataset>`: the raw table's name, the GX suite's and the asset's."""
        return f"{self.source}__{self.name}"

    @property
    def suite_name(self) -> str:
        return self.suite or self.key

    @property
    def raw_table(self) -> str:
        return f"raw.{self.key}"

    @property
    def asset_uri(self) -> str:
        return f"postgres://warehouse/raw/{self.key}"
