"""The indicator engine of spec/indicators.md: pure Python, no Django, no database.

Every item of the report is one function registered in ONE table (`registry.TABLE`) with the rule-set params it
reads and its label key; `compute_report` iterates the table and returns the typed report
(`indicators.report.model.Report`). Inputs arrive already aggregated (`data.CountyData`, built by
`indicators.inputs`); every threshold and setting comes from a rule set's params, whose defaults are the
table's. Modules: `settings` (the engine-wide settings), `resource` (Q1–Q7, B1–B8 and a stage's CVs),
`government` (G…), `quality` (E…, S1), `blocks` (class size, degree ratio, achievement, staffing), `compute`
(the whole report and the 2017 verdict). Importing this package registers them, in that order.
"""

from . import settings, resource, government, quality, blocks  # noqa: F401, I001  (registration order)
from .blocks import (
    achievement_rates,
    class_size_counts,
    class_size_summary,
    degree_ratio,
    rural_teachers_needed,
)
from .compute import compute_report, effective_params, verdict, verdict_from_parts
from .data import JUNIOR, PRIMARY, SENIOR, STAGES, CountyData, Unit, stage_share, unit_included, unit_stages
from .government import funding_rate, required_appropriation
from .registry import BASIC_2012, QUALITY_2017, TABLE, Entry, Param
from .resource import basic_values, quality_values, school_pass, shortfalls
from .stats import combine, mean_or_none, share, weighted_cv

__all__ = [
    "BASIC_2012",
    "JUNIOR",
    "PRIMARY",
    "QUALITY_2017",
    "SENIOR",
    "STAGES",
    "TABLE",
    "CountyData",
    "Entry",
    "Param",
    "Unit",
    "achievement_rates",
    "basic_values",
    "class_size_counts",
    "class_size_summary",
    "combine",
    "compute_report",
    "degree_ratio",
    "effective_params",
    "funding_rate",
    "mean_or_none",
    "quality_values",
    "required_appropriation",
    "rural_teachers_needed",
    "school_pass",
    "share",
    "shortfalls",
    "stage_share",
    "unit_included",
    "unit_stages",
    "verdict",
    "verdict_from_parts",
    "weighted_cv",
]
