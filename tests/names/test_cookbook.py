"""docs/names.md's cookbook works as written: each recipe's files, checked with its config, give
exactly the findings the recipe shows."""

import re
from pathlib import Path

import pytest

from tests.helpers import run

DOC = (Path(__file__).resolve().parent.parent.parent / "docs" / "names.md").read_text(encoding="utf-8")
COOKBOOK = DOC.split("\n## Cookbook\n", 1)[1]
RECIPES = re.findall(r"^### (.+?)\n(.*?)(?=^### |\Z)", COOKBOOK, re.S | re.M)
BLOCK = re.compile(r"^```\w+ (\S+)\n(.*?)^```", re.S | re.M)


def test_the_cookbook_has_the_five_recipes():
    assert [title for title, _ in RECIPES] == [
        "Scraper registry", "Router prefixes", "Scheduler payloads", "Signals registry in YAML",
        "A fallback copy of a list"]


@pytest.mark.parametrize("title, body", RECIPES, ids=[t for t, _ in RECIPES])
def test_recipe_gives_the_findings_it_shows(tmp_path, title, body):
    files = dict(BLOCK.findall(body))
    expected = files.pop("findings").splitlines()
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    got = [f"{f.location.path}:{f.location.line}: {f.code} {f.message}" for f in run(tmp_path, ("PF1",))]
    assert got == expected
