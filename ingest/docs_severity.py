"""Each expectation's severity (`meta.severity`, ingest.quality.SEVERITIES) in the GX
Data Docs, as a badge beside the expectation.

GX 1.24 has a `severity` of its own (critical, warning, info) but no page renders
it, and its "meta properties" column for validation pages fails in 1.24 (it adds a
kwarg the expectation's model then refuses). What the site builder does support is
naming the renderer classes a page uses, so two small subclasses add the badge:

* validation pages: `SeverityTable`, a "Severity" column in the results table;
* suite pages: `SeverityBulletList`, the badge and the expectation's `meta.why` where
  GX would put a collapsed "notes" link (our expectations have no GX notes).

The suite files keep their format; GX renders the suite's description from its
`notes` argument, so `suite_kwargs` moves `meta.notes` there.
"""

from __future__ import annotations

from great_expectations.render import RenderedStringTemplateContent
from great_expectations.render.renderer.content_block import (
    ExpectationSuiteBulletListContentBlockRenderer,
    ValidationResultsTableContentBlockRenderer,
)

COLUMN = "Severity"
BADGES = {"blocking": "badge-danger", "warning": "badge-warning"}


def suite_kwargs(cfg: dict) -> dict:
    """ExpectationSuite arguments from a suite file, its description as GX's notes
    (left in meta, a notes text that contains "format" trips GX's page renderer)."""
    meta = dict(cfg.get("meta") or {})
    return {
        "name": cfg["name"],
        "expectations": cfg["expectations"],
        "notes": meta.pop("notes", None),
        "meta": meta,
    }


def badge(meta: dict | None, *, why: bool = False) -> RenderedStringTemplateContent:
    meta = meta or {}
    severity = meta.get("severity") or "unset"
    template = "$severity $why" if why and meta.get("why") else "$severity"
    return RenderedStringTemplateContent(
        content_block_type="string_template",
        string_template={
            "template": template,
            "params": {"severity": severity, "why": meta.get("why", "")},
            "styling": {
                "classes": ["mwh-severity"],
                "params": {
                    "severity": {"classes": ["badge", BADGES.get(severity, "badge-secondary")]},
                    "why": {"classes": ["text-muted", "small"]},
                },
            },
        },
    )


class SeverityTable(ValidationResultsTableContentBlockRenderer):
    """Validation pages: a Severity column after GX's Status, Expectation, Observed."""

    @classmethod
    def _process_content_block(cls, content_block, has_failed_evr, render_object=None) -> None:
        super()._process_content_block(content_block, has_failed_evr, render_object)
        content_block.header_row.append(COLUMN)
        content_block.header_row_options[COLUMN] = {"sortable": True}

    @classmethod
    def _get_content_block_fn(cls, expectation_type, expectation_config=None):
        row_fn = super()._get_content_block_fn(expectation_type, expectation_config)

        def with_severity(*args, **kwargs):
            rows = row_fn(*args, **kwargs)
            config = getattr(kwargs.get("result"), "expectation_config", None)
            rows[0].append(badge(config.meta if config else None))
            return rows

        return with_severity


class SeverityBulletList(ExpectationSuiteBulletListContentBlockRenderer):
    """Suite pages: after each expectation, its severity and why it has it."""

    @classmethod
    def _render_expectation_notes(cls, expectation_config):
        return badge(expectation_config.meta, why=True)


# Merged by GX into its default site section builders.
SITE_SECTION_BUILDERS = {
    "expectations": {
        "renderer": {
            "class_name": "ExpectationSuitePageRenderer",
            "column_section_renderer": {
                "class_name": "ExpectationSuiteColumnSectionRenderer",
                "bullet_list_renderer": {
                    "module_name": __name__,
                    "class_name": "SeverityBulletList",
                },
            },
        }
    },
    "validations": {
        "renderer": {
            "class_name": "ValidationResultsPageRenderer",
            "column_section_renderer": {
                "class_name": "ValidationResultsColumnSectionRenderer",
                "table_renderer": {"module_name": __name__, "class_name": "SeverityTable"},
            },
        }
    },
}
