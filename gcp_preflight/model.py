"""The vocabulary every part shares: where, how bad, what was found, how to fix it.

Small dataclasses with no I/O, so facts and findings can be cached, compared and sorted. They
are values: never changed once made (`dataclasses.replace` makes a changed copy). They are not
declared frozen only because a frozen dataclass sets every field through object.__setattr__,
which made loading the fact cache 2.7 times slower; the test suite freezes them
(facts.freeze_for_tests), so a change to one fails there.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(order=True, slots=True, unsafe_hash=True)
class Location:
    """A place in a file. Paths are relative to the project root with forward slashes; lines and
    columns start at 1. A path of "" means "no file" (a live resource declared nowhere)."""

    path: str
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(slots=True, unsafe_hash=True)
class Related:
    """A second location that explains a finding (the YAML line that declares a name, say)."""

    location: Location
    message: str


@dataclass(slots=True, unsafe_hash=True)
class TextEdit:
    """Replace the text between two positions (1-based line, 1-based column, end exclusive)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass(slots=True, unsafe_hash=True)
class Fix:
    description: str
    edits: tuple[TextEdit, ...]
    # False for a fix that changes cost or behaviour beyond the finding (raising deploy memory):
    # `--diff` shows it, `--fix` applies it only with `--unsafe-fixes` (as ruff separates them).
    safe: bool = True


@dataclass(slots=True, unsafe_hash=True)
class DeferredFix:
    """How to build a fix again from its file (rules/bigquery/fix.py): what the run cache keeps
    instead of edits that only libcst can compute."""

    kind: str  # "wrap" or "unwrap" (a value in json.dumps)
    where: Location
    needs_import: bool = False


@dataclass(slots=True, unsafe_hash=True)
class Diagnostic:
    """What a rule or validator reports; the engine stamps the code and severity on it."""

    location: Location
    message: str
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    # Text that identifies the finding independently of line numbers (for baselines and SARIF).
    # Defaults to the message plus the offending source line. A rule whose message names lines
    # ("first at line 76") gives one; line numbers left in either are taken out (engine.py).
    key: str | None = None
    # Files the finding depends on beyond its location and related locations (the requirements
    # file, Dockerfile, .gcloudignore, deploy script, schema file, the files declaring a name):
    # a change to any of them may make or clear it, so `check FILE...` reports it for them.
    inputs: tuple[str, ...] = ()
    # A severity below the rule's default for this one finding (an import that runs only when a
    # function is called is a warning, not an error); a configured severity still wins.
    severity: Severity | None = None


@dataclass(slots=True, unsafe_hash=True)
class Finding:
    code: str
    severity: Severity
    message: str
    location: Location
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    fingerprint: str = ""
    inputs: tuple[str, ...] = ()  # as Diagnostic.inputs

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code, self.message)


@dataclass(frozen=True)
class RuleMeta:
    code: str
    name: str
    summary: str
    severity: Severity
    doc: str = field(default="", compare=False)

    @property
    def family(self) -> str:
        return self.code[:3]
