"""YAML selectors: which names a path picks, with their lines."""

import pytest

from gcp_preflight.rules.names.yaml_select import SelectorError, parse, select
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators import validator

DOC = """\
scrapers:
  nbac_schedule:
    processor_name: "p2_nbacom_schedule"
  bdl_box_scores:
    processor_name: p2_bdl_box_scores
  disabled:
    processor_name: ~
workflows:
  - name: morning
    steps: [nbac_schedule, bdl_box_scores]
  - name: evening
    steps:
      - bdl_box_scores
"""


def names(selector, part="keys"):
    (doc,) = validator("yaml").read(SourceText("w.yaml", DOC))
    return [(i.text, i.location.line) for i in select(doc, selector, part)]


@pytest.mark.parametrize("selector, part, expected", [
    ("scrapers.*.processor_name", "keys", [("p2_nbacom_schedule", 3), ("p2_bdl_box_scores", 5)]),
    ("**.processor_name", "keys", [("p2_nbacom_schedule", 3), ("p2_bdl_box_scores", 5)]),
    ("scrapers", "keys", [("nbac_schedule", 2), ("bdl_box_scores", 4), ("disabled", 6)]),
    ("workflows[*].steps[*]", "keys", [("nbac_schedule", 10), ("bdl_box_scores", 10), ("bdl_box_scores", 13)]),
    ("workflows[1].steps", "keys", [("bdl_box_scores", 13)]),
    ("workflows[*].name", "keys", [("morning", 9), ("evening", 11)]),
    ("workflows[0]", "values", [("morning", 9)]),
    ("nothing.here", "keys", []),
])
def test_select(selector, part, expected):
    assert names(selector, part) == expected


def test_parse_and_errors():
    assert parse("a.*.b[*][2].**.c") == ["a", "*", "b", "[*]", "[2]", "**", "c"]
    with pytest.raises(SelectorError):
        parse("a..b")
