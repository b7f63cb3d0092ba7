"""How a rule is declared: a generator function of the Project, tagged with its metadata.

    @rule("PF301", "memory-below-floor", Severity.ERROR)
    def memory_below_floor(project):
        '''<summary: the first paragraph>

        ## What it does ... ## Why is this bad? ... ## Example ... ## Fix ...
        '''
        yield Diagnostic(location, message)

The docstring is the rule's documentation (`preflight rule PF301`, docs/rules.md). Fenced blocks
in the Example and Fix sections whose info string names a file (```python shared/x.py) form a
small repository: the Example must trigger the rule and the Fix must not (tests/test_rule_docs.py).
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from gcp_preflight.model import Diagnostic, RuleMeta, Severity

SECTIONS = ("What it does", "Why is this bad?", "Example", "Fix")


@dataclass(frozen=True)
class Rule:
    meta: RuleMeta
    check: Callable[..., Iterable[Diagnostic]]

    @property
    def code(self) -> str:
        return self.meta.code


def rule(code: str, name: str, severity: Severity) -> Callable[[Callable], Rule]:
    def wrap(func: Callable) -> Rule:
        doc = inspect.cleandoc(func.__doc__ or "")
        return Rule(RuleMeta(code, name, summary_of(doc) or name, severity, doc), func)

    return wrap


def summary_of(doc: str) -> str:
    """The docstring's first paragraph on one line (a summary may wrap over several lines)."""
    return " ".join(doc.split("\n\n", 1)[0].split())


def doc_sections(doc: str) -> dict[str, str]:
    """The `## Heading` sections of a rule docstring, by heading."""
    sections: dict[str, str] = {}
    current = None
    for line in doc.splitlines():
        match = re.match(r"^##\s+(.*?)\s*$", line)
        if match:
            current = match.group(1)
            sections[current] = ""
        elif current is not None:
            sections[current] += line + "\n"
    return {k: v.strip("\n") for k, v in sections.items()}


FENCE = re.compile(r"^```(\w+)\s+(\S+)\s*\n(.*?)^```\s*$", re.S | re.M)


def doc_files(section_text: str) -> dict[str, str | bytes]:
    """The files of an Example or Fix section: ```lang path blocks. A `latin1` block is written
    in that encoding (bytes), to show input that is not UTF-8; a `symlink` block is a link
    whose target is the block's text ("-> target", as tests/helpers.write_repo writes them)."""
    return {m.group(2): _content(m.group(1), m.group(3)) for m in FENCE.finditer(section_text)}


def _content(lang: str, text: str) -> str | bytes:
    if lang == "latin1":
        return text.encode("latin-1")
    if lang == "symlink":
        return "-> " + text.strip()
    return text


def once(diagnostics: Iterable[Diagnostic]) -> Iterable[Diagnostic]:
    """Each (location, message) once: an analysis that visits one place several times (a command
    read once per caller, a base-class write once per subclass) reports it once."""
    seen = set()
    for diagnostic in diagnostics:
        key = (diagnostic.location, diagnostic.message)
        if key not in seen:
            seen.add(key)
            yield diagnostic
