"""Every rule, in one explicit tuple (one family per line; each family's folder holds its
rules in `rules.py` and the analysis they share beside it)."""

from __future__ import annotations

from gcp_preflight.rules.base import Rule
from gcp_preflight.rules.bigquery import rules as bigquery
from gcp_preflight.rules.deploy import rules as deploy
from gcp_preflight.rules.live import rules as live
from gcp_preflight.rules.names import rules as names
from gcp_preflight.rules.packaging import rules as packaging
from gcp_preflight.rules.python import rules as python
from gcp_preflight.rules.structure import rules as structure

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
