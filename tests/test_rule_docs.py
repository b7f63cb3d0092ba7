"""Every rule documents what, why, an example and a fix; the example triggers it and the fix
does not; docs/rules.md is up to date."""

import pytest

from gcp_preflight.docs import TARGET, rules_markdown
from gcp_preflight.rules import ALL_RULES
from gcp_preflight.rules.base import SECTIONS, doc_files, doc_sections
from tests.helpers import found, offline_audit

NO_EXAMPLE = {"PF009",  # an internal error has no input that triggers it on purpose
              "PF210"}  # needs a package index: tests/rules/test_packaging_resolve.py runs it on local wheels


def _example_params():
    for r in ALL_RULES:
        if r.code in NO_EXAMPLE:
            continue
        yield pytest.param(r, id=r.code)


def _write(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        elif text.startswith("-> "):  # a ```symlink path block: the link's target
            path.unlink(missing_ok=True)
            path.symlink_to(text[3:].strip())
        else:
            path.write_text(text, encoding="utf-8")


def test_codes_unique_and_in_family_range():
    codes = [r.code for r in ALL_RULES]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert code[:2] == "PF" and len(code) == 5 and code[2:].isdigit()


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_docstring_has_four_sections(rule):
    sections = doc_sections(rule.meta.doc)
    for name in SECTIONS:
        assert sections.get(name, "").strip(), f"{rule.code}: missing '## {name}'"


@pytest.mark.parametrize("rule", list(_example_params()))
def test_example_triggers_and_fix_does_not(rule, tmp_path):
    sections = doc_sections(rule.meta.doc)
    example, fix = doc_files(sections["Example"]), doc_files(sections["Fix"])
    assert example, f"{rule.code}: the Example has no ```lang path blocks"
    _write(tmp_path / "example", example)
    example_root = tmp_path / "example"  # PF9xx examples audit the inventory their config names
    assert rule.code in {code for code, _ in found(example_root, select=(rule.code, "PF0"), extra_facts=offline_audit(example_root))}
    fixed = dict(example, **fix)
    _write(tmp_path / "fixed", fixed)
    fixed_root = tmp_path / "fixed"
    assert rule.code not in {code for code, _ in found(fixed_root, select=(rule.code,), extra_facts=offline_audit(fixed_root))}


def test_rules_md_is_current():
    from pathlib import Path

    target = Path(__file__).resolve().parent.parent / TARGET
    assert target.read_text(encoding="utf-8") == rules_markdown(), "run: python -m gcp_preflight.docs"
