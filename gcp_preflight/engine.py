"""Run the rules over a Project and decide what is reported.

Order: rules -> select/ignore -> per-file ignores -> inline suppressions (and PF001/PF005/PF010
for bad ones) -> severity overrides -> fingerprints -> baseline -> path filter -> sort.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from gcp_preflight import ignore_patterns, progress
from gcp_preflight.cache import FactStore
from gcp_preflight.config import Config
from gcp_preflight.discovery import Tree, only_tracked, walk
from gcp_preflight.facts import fact
from gcp_preflight.lines import split_lines
from gcp_preflight.model import DeferredFix, Diagnostic, Finding, Fix, Location, Severity
from gcp_preflight.project import Project
from gcp_preflight.suppressions import BadSuppression, Suppression
from gcp_preflight.testpaths import is_test_file
from gcp_preflight.validators.python.testing import SkippedModule

if TYPE_CHECKING:  # the rules are imported only when they run (not for a result from the run cache)
    from gcp_preflight.rules.base import Rule


@dataclass(frozen=True)
class Selection:
    """select/ignore by code prefix; the longest matching prefix decides (as ruff and flake8)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def enabled(self, code: str) -> bool:
        best, verdict = -1, not self.select or "ALL" in self.select
        for prefix in self.select:
            if prefix != "ALL" and code.startswith(prefix) and len(prefix) > best:
                best, verdict = len(prefix), True
        for prefix in self.ignore:
            if prefix == "ALL" or (code.startswith(prefix) and len(prefix) >= best):
                best, verdict = (len(prefix) if prefix != "ALL" else best), False
        return verdict


@dataclass
class Result:
    findings: list[Finding]
    files: int
    duration_s: float
    suppressed: int = 0
    baselined: int = 0
    fixed: int = 0
    notices: list[str] = field(default_factory=list)


# Run in a forked child on a large tree (forked.py) while this process runs the other families:
# the Python rules are about half of the rules' time on the benchmark's tree and on
# nba-stats-scraper (the other half: names, packaging, deploy and BigQuery).
FORKED_FAMILIES = ("PF5",)
# ... except the rules that may read the packaging analysis, which this process computes for
# PF2xx anyway (PF510/PF511 ask a file's deployment units for its runtime): a child would
# compute it again (about 0.5 s on nba-stats-scraper, the child's longest part).
KEPT_HERE = ("PF51",)


def run_rules(project: Project, rules: Sequence[Rule], selection: Selection) -> list[Finding]:
    """Every enabled rule's findings, in rule order (the same whichever process ran a rule)."""
    from gcp_preflight import forked
    from gcp_preflight.project import workers_for

    enabled = [item for item in rules if selection.enabled(item.code)]
    theirs = [item for item in enabled
              if item.code.startswith(FORKED_FAMILIES) and not item.code.startswith(KEPT_HERE)]
    by_rule = forked.split(enabled, theirs, lambda rules: _run_in_order(project, rules),
                           workers_for(len(project.paths_read)), _packed, lambda packed: _unpacked(packed, project))
    return [finding for item in enabled for finding in by_rule.get(item.code, ())]


def _packed(by_rule: dict[str, list[Finding]]) -> dict:
    """Findings as they travel from a child: a LazyFix holds a function, so its recipe travels."""
    return {code: _for_run_cache(findings, keep_edits=False) for code, findings in by_rule.items()}


def _unpacked(packed: dict, project: Project) -> dict[str, list[Finding]]:
    return {code: _from_run_cache(kept, RunRecord(0, 0, deferred), project) for code, (kept, deferred) in packed.items()}


def _run_in_order(project: Project, rules: Sequence[Rule]) -> dict[str, list[Finding]]:
    by_rule: dict[str, list[Finding]] = {}
    for index, item in enumerate(rules):
        family = item.code[:3]
        if index and rules[index - 1].code[:3] != family:  # the peak memory holds one family's analyses, not all
            project.release_analyses({later.code[:3] for later in rules[index:]})
        progress.step(f"checking {item.code}")
        by_rule[item.code] = [_stamp(item, diag) for diag in item.check(project) or ()]
    return by_rule


def _stamp(item: Rule, diag: Diagnostic) -> Finding:
    return Finding(item.code, diag.severity or item.meta.severity, diag.message, diag.location, diag.related, diag.fix,
                   fingerprint=diag.key or "", inputs=diag.inputs)


def fingerprint(finding: Finding, source_line: str) -> str:
    """Independent of line numbers: the code, the path, and the rule's line-free key, else the
    message and the offending text. Line numbers a message or key still carries ("first at
    line 76", an import chain `main.py:16 -> ...`) are taken out, so a finding keeps its
    fingerprint when lines are added above it."""
    basis = finding.fingerprint or f"{finding.message}\0{' '.join(source_line.split())}"
    basis = without_line_numbers(basis)
    return hashlib.sha256(f"{finding.code}\0{finding.location.path}\0{basis}".encode()).hexdigest()[:20]


# "line 76", "lines 3-5", "line=76" (a Location's repr), and "path.py:16" or "dir/Dockerfile:16:3".
_LINE_NUMBERS = re.compile(
    r"\b(?P<word>lines?|(?:end_)?line|(?:end_)?column)(?P<sep>[ =])\d+(?:-\d+)?"
    r"|(?P<file>[\w.-]+\.[A-Za-z0-9]+|[\w.-]+/[\w.-]+|Dockerfile|Procfile):\d+(?::\d+)?(?![\d.])")


def without_line_numbers(text: str) -> str:
    def blank(match: re.Match) -> str:
        if match.group("word"):
            return f"{match.group('word')}{match.group('sep')}#"
        return f"{match.group('file')}:#"
    return _LINE_NUMBERS.sub(blank, text)


def _per_file_ignored(finding: Finding, patterns: dict[str, list[str]]) -> bool:
    path = finding.location.path
    for glob, codes in patterns.items():
        if path and ignore_patterns.matches(glob, path):
            if any(c == "ALL" or finding.code.startswith(c) for c in codes):
                return True
    return False


def _apply_suppressions(project: Project, findings: list[Finding], selection: Selection,
                        require_reason: bool) -> tuple[list[Finding], int]:
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    by_file: dict[str, list[Suppression]] = {}
    for s in project.facts(Suppression):  # read with each file's facts (project.py)
        if s.scope == "file":
            by_file.setdefault(s.path, []).append(s)
        else:
            by_line.setdefault((s.path, s.line), []).append(s)
    malformed = project.facts(BadSuppression)
    used: set[tuple[Suppression, str]] = set()
    kept = []
    for f in findings:
        path = f.location.path
        candidates = [s for n in _suppression_lines(project, path, f.location.line) for s in by_line.get((path, n), ())]
        hit = next((s for s in candidates + by_file.get(path, []) if s.covers(f.code)), None)
        if hit is None:
            kept.append(f)
        else:
            used.add((hit, next(c for c in hit.codes if f.code.startswith(c))))
    suppressed = len(findings) - len(kept)
    from gcp_preflight.rules import ALL_RULES

    meta = {r.code: r for r in ALL_RULES}
    for s in [s for group in by_line.values() for s in group] + [s for group in by_file.values() for s in group]:
        loc = Location(s.path, s.line, s.column)
        where = "in this file" if s.scope == "file" else "on this line"
        for code in s.codes:
            if (s, code) not in used and selection.enabled("PF001") and _any_enabled(code, selection):
                kept.append(_stamp(meta["PF001"], Diagnostic(loc, f"unused suppression: no {code} finding {where}")))
        if require_reason and not s.reason and selection.enabled("PF005"):
            kept.append(_stamp(meta["PF005"], Diagnostic(loc, "suppression without a reason: say why after the closing bracket")))
    if selection.enabled("PF010"):
        kept += [_stamp(meta["PF010"], Diagnostic(Location(b.path, b.line, b.column), b.message)) for b in malformed]
    return kept, suppressed


def _suppression_lines(project: Project, path: str, line: int) -> list[int]:
    """Where a suppression of a finding on `line` may be written: that line; and when the line is
    part of a command continued with a trailing `\\`, any line of the command or a comment line
    directly above it (a shell comment can only end the command's last line)."""
    first = line
    while first > 1 and project.line(path, first - 1).endswith("\\"):
        first -= 1
    last = line
    while project.line(path, last).endswith("\\"):
        last += 1
    if first == last:
        return [line]
    lines = [line] + [n for n in range(first, last + 1) if n != line]
    if first > 1 and project.line(path, first - 1).lstrip().startswith("#"):
        lines.append(first - 1)
    return lines


def _any_enabled(code: str, selection: Selection) -> bool:
    from gcp_preflight.rules import ALL_RULES

    return any(r.code.startswith(code) and selection.enabled(r.code) for r in ALL_RULES)


def _touches(finding: Finding, paths: Sequence[str]) -> bool:
    """Whether a finding concerns one of `paths`: located there, related there, or depending on
    a file there (what pre-commit passes: the files of the commit)."""
    places = [finding.location.path] + [r.location.path for r in finding.related] + list(finding.inputs)
    for place in places:
        for p in paths:
            if p in ("", ".") or place == p or place.startswith(p.rstrip("/") + "/"):
                return True
    return False


def finalize(project: Project, raw: Iterable[Finding], config: Config, selection: Selection,
             baseline: Counter | None = None, only_paths: Sequence[str] = ()) -> tuple[list[Finding], int, int]:
    """Everything after the rules ran: returns (findings, suppressed, baselined)."""
    stamped, suppressed = _settle(project, raw, config, selection)
    stamped, baselined = _against_baseline(stamped, baseline)
    return _within(stamped, only_paths), suppressed, baselined


def _settle(project: Project, raw: Iterable[Finding], config: Config, selection: Selection) -> tuple[list[Finding], int]:
    """Selection, per-file ignores, suppressions, severities and fingerprints: everything that
    depends only on the repository and its configuration (what a run cache may keep)."""
    skipped = {m.path for m in project.facts(SkippedModule)}  # nothing in them runs
    findings = [f for f in raw if selection.enabled(f.code) and not _per_file_ignored(f, config.per_file_ignores)
                and f.location.path not in skipped]
    findings, suppressed = _apply_suppressions(project, findings, selection,
                                               bool(config.get("require-suppression-reason", False)))
    overrides = config.severity
    stamped = []
    seen: Counter = Counter()
    for f in sorted(findings, key=Finding.sort_key):
        if f.location.path in skipped:
            continue
        fp = fingerprint(f, project.line(f.location.path, f.location.line))
        seen[fp] += 1
        if seen[fp] > 1:  # the same finding twice in a file: keep them apart, still line-free
            fp = f"{fp}:{seen[fp]}"
        stamped.append(replace(f, fingerprint=fp, severity=_severity(f, overrides)))
    return stamped, suppressed


def _severity(finding: Finding, overrides: dict[str, str]) -> Severity:
    """The configured severity; else an error in a test file is a warning (tests never deploy:
    what fails there fails a test run, not production)."""
    if finding.code in overrides:
        return Severity(overrides[finding.code])
    if finding.severity is Severity.ERROR and is_test_file(finding.location.path):
        return Severity.WARNING
    return finding.severity


def _against_baseline(findings: list[Finding], baseline: Counter | None) -> tuple[list[Finding], int]:
    if baseline is None:
        return findings, 0
    remaining = Counter(baseline)
    kept, baselined = [], 0
    for f in findings:
        key = (f.code, f.location.path, f.fingerprint)
        if remaining[key] > 0:
            remaining[key] -= 1
            baselined += 1
        else:
            kept.append(f)
    return kept, baselined


def _within(findings: list[Finding], only_paths: Sequence[str]) -> list[Finding]:
    return [f for f in findings if _touches(f, only_paths)] if only_paths else findings


@fact
@dataclass(slots=True, unsafe_hash=True)
class RunRecord:
    """What a run cache entry keeps besides the findings."""

    files: int
    suppressed: int
    # Findings (by index) whose fix is kept as how to build it, not as edits (bigquery/fix.py)
    deferred: tuple[tuple[int, DeferredFix], ...] = ()


def _for_run_cache(stamped: list[Finding], keep_edits: bool,
                   shown: Sequence[str] = ()) -> tuple[list[Finding], tuple[tuple[int, DeferredFix], ...]]:
    """The findings as the run cache keeps them: a fix not yet built is kept as its recipe
    (building it to store it would load libcst on every check that finds a PF401), unless the
    caller's report prints its edits anyway (`keep_edits`: JSON, --diff, --fix, for the
    findings touching the `shown` paths when given), whose next run from the cache then needs
    no libcst."""
    kept, deferred = [], []
    for index, finding in enumerate(stamped):
        fix = finding.fix
        if fix is not None and type(fix) is not Fix:  # a LazyFix: the cache holds plain facts
            recipe = getattr(fix, "deferred", None)
            printed = keep_edits and (not shown or _touches(finding, shown))
            if recipe is not None and not fix.built and not printed:
                deferred.append((index, recipe))
                finding = replace(finding, fix=Fix(fix.description, (), fix.safe))
            else:
                finding = replace(finding, fix=Fix(fix.description, tuple(fix.edits), fix.safe))
        kept.append(finding)
    return kept, tuple(deferred)


def _from_run_cache(stamped: list[Finding], record: RunRecord, lines: "SourceLines") -> list[Finding]:
    if not record.deferred:
        return stamped
    from gcp_preflight.lazyfix import rebuild as rebuild_fix

    out = list(stamped)
    for index, recipe in record.deferred:
        if 0 <= index < len(out) and out[index].fix is not None:
            out[index] = replace(out[index], fix=rebuild_fix(recipe, lines.text, out[index].fix.description))
    return out


class SourceLines:
    """The part of a Project the report needs (root, lines), for a result from the run cache:
    files are read only if a source line is shown."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self._lines: dict[str, list[str]] = {}

    def text(self, path: str) -> str | None:
        from gcp_preflight.project import read_source

        return read_source(self.root, path).text if path else None

    def line(self, path: str, line: int) -> str:
        if path not in self._lines:
            text = self.text(path)
            self._lines[path] = split_lines(text) if text else []
        lines = self._lines[path]
        return lines[line - 1] if 0 < line <= len(lines) else ""


def _run_key(tree: Tree, config: Config, selection: Selection, validators, resolve: bool) -> str:
    """Everything a static run's findings depend on: the tool, the configuration, the
    selection, the readers, and every file's size, mtime and inode (as git's index and ruff's
    cache do), every link and every discovery problem."""
    from gcp_preflight.project import _readers_signature

    digest = hashlib.sha256()
    for part in (_readers_signature(validators), json.dumps(config.raw, sort_keys=True, default=str),
                 str(config.path), repr(selection), f"resolve={resolve}"):
        digest.update(part.encode())
        digest.update(b"\0")
    stats = tree.stats or {}
    for rel in tree.files:
        digest.update(f"{rel}\0{stats.get(rel)}\n".encode())
    for link in tree.symlinks:
        digest.update(repr(link).encode())
    for item in tree.problems:
        digest.update(repr(item).encode())
    return digest.hexdigest()


def check(root: Path, config: Config, *, selection: Selection | None = None, validators=None,
          rules: Sequence[Rule] | None = None, use_cache: bool = True, baseline: Counter | None = None,
          only_paths: Sequence[str] = (), extra_facts=(), resolve: bool | None = None,
          tracked: frozenset[str] | None = None, keep_edits: bool = False) -> tuple[Result, Project | SourceLines]:
    """extra_facts: facts from outside the repository (a live audit), or a callable that makes
    them from the Project once its files are read. resolve: the packaging checks' exact mode
    (None: `[packaging] resolve` of the config, never under pre-commit). tracked: the only files
    that exist (what git tracks), when given. A static run over a tree in which nothing changed
    since the same run is answered from the run cache, without reading a file. keep_edits: the
    caller prints fixes' edits, so the run cache keeps them built (see _for_run_cache)."""
    from gcp_preflight.validators import default_validators

    started = time.perf_counter()
    selection = selection or Selection(tuple(config.select), tuple(config.ignore))
    validators = validators if validators is not None else default_validators()
    if resolve is None:
        resolve = bool(config.section("packaging").get("resolve", False)) and not os.environ.get("PRE_COMMIT")
    tree = walk(root.resolve(), tuple(config.exclude), tracked=tracked)
    if tracked is not None:
        tree = only_tracked(tree, tracked)
    store = FactStore() if use_cache and not extra_facts and rules is None else None
    key = _run_key(tree, config, selection, validators, resolve) if store is not None else None
    cached = store.get_run(key) if store is not None else None
    if cached and isinstance(cached[0], RunRecord):
        record, project = cached[0], SourceLines(root)
        stamped = _from_run_cache(list(cached[1:]), record, project)
        files, suppressed = record.files, record.suppressed
    else:
        if rules is None:
            from gcp_preflight.rules import ALL_RULES as rules
        project = Project(root, config, validators, use_cache=use_cache, extra_facts=extra_facts, tree=tree)
        if resolve:
            from gcp_preflight.resolve import Resolver

            project.resolver = Resolver()
        raw = run_rules(project, rules, selection)
        stamped, suppressed = _settle(project, raw, config, selection)
        files = project.files_read
        if store is not None:
            kept, deferred = _for_run_cache(stamped, keep_edits, only_paths)
            store.put_run(key, (RunRecord(files, suppressed, deferred), *kept))
    if store is not None:
        store.close()
    stamped, baselined = _against_baseline(stamped, baseline)
    findings = _within(stamped, only_paths)
    result = Result(findings, files, time.perf_counter() - started, suppressed, baselined)
    return result, project


def failing(findings: Iterable[Finding], fail_on: str) -> bool:
    threshold = Severity(fail_on).rank
    return any(f.severity.rank >= threshold for f in findings)
