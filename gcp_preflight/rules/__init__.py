"""Every rule, in one explicit tuple (one family module per line)."""

from __future__ import annotations

from gcp_preflight.rules import bigquery, deploy, live, names, packaging, python, structure
from gcp_preflight.rules.base import Rule

ALL_RULES: tuple[Rule, ...] = (
    *structure.RULES,
    *names.RULES,
    *packaging.RULES,
    *deploy.RULES,
    *bigquery.RULES,
    *python.RULES,
    *live.RULES,
)

BY_CODE: dict[str, Rule] = {r.code: r for r in ALL_RULES}
