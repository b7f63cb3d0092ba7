"""Shell scripts: evaluate each statically and yield its commands and deploy commands.

A script that sources another script of the repository is evaluated a second time once every
file is read (`link`), with the sourced file's text followed in place, as bash would.
"""

from __future__ import annotations

import re
from typing import Iterable

from gcp_preflight.validators.base import SourceText, problem
from gcp_preflight.validators.deploy.facts import DeployCommand, ShellCommand, ShellSource
from gcp_preflight.validators.deploy.reader import facts_from, prune_commands
from gcp_preflight.validators.shell.eval import ShellEvaluator, parse
from gcp_preflight.validators.shell.positions import Positions

_SHEBANG = re.compile(r"^#!\s*\S*?(?:/|\benv\s+)(?:ba|da|k)?sh\b")
SHELL_SUFFIXES = (".sh", ".bash")


def is_shell_script(path: str, head: str) -> bool:
    """A shell script by its suffix or its first line (`#!/bin/bash`, `#!/usr/bin/env sh`)."""
    return path.endswith(SHELL_SUFFIXES) or bool(_SHEBANG.match(head))


def evaluate(path: str, text: str, load=None, parsed: dict | None = None,
             prune: bool = True) -> tuple[ShellEvaluator, list[object]]:
    source = text.encode("utf-8")
    evaluator = ShellEvaluator(path, load=load, parsed=parsed)
    evaluator.run(Positions(path, source), parse(source))
    facts: list[object] = facts_from(path, evaluator.invocations, "shell")
    if prune:
        facts = prune_commands(facts)
    facts.extend(ShellSource(path, s.location, s.raw, s.target, s.candidates, s.read) for s in evaluator.sources)
    return evaluator, facts


class ShellValidator:
    """`prune=False` keeps every command a script runs (to inspect the evaluation); a check keeps
    only the commands the packaging family replays (validators/deploy/reader.prune_commands)."""

    name = "shell"

    def __init__(self, prune: bool = True):
        self.prune = prune

    def wants(self, path: str, head: str) -> bool:
        return is_shell_script(path, head)

    def read(self, source: SourceText) -> Iterable[object]:
        evaluator, facts = evaluate(source.path, source.text, prune=self.prune)
        for p in evaluator.problems:
            yield problem("PF006", source.path, p.line, p.column,
                          f"{p.message}; commands in this part of the script are not checked")
        for p in evaluator.notices:
            yield problem("PF008", source.path, p.line, p.column, p.message)
        yield from facts

    def link(self, project) -> None:
        """Re-evaluate scripts that source other scripts of the repository, following them."""
        shell_paths = {s.path for s in project.facts(ShellSource)}
        readable = {p for p in project.paths_read if self.name in project.readers(p)}
        parsed: dict = {}  # every sourced file parsed once for all the scripts that source it
        encoded: dict[str, bytes] = {}

        def load(candidate: str) -> bytes | None:
            if candidate not in readable:
                return None
            if candidate not in encoded:
                encoded[candidate] = project.text(candidate).encode("utf-8")
            return encoded[candidate]

        updates: dict[type, dict[str, list]] = {ShellCommand: {}, DeployCommand: {}, ShellSource: {}}
        for path in sorted(shell_paths):
            if path not in readable:
                continue
            sources = project.facts_in(path, ShellSource)
            if not any(c in readable for s in sources for c in s.candidates):
                continue
            _, facts = evaluate(path, project.text(path), load, parsed, prune=self.prune)
            for kind, by_path in updates.items():
                by_path[path] = [f for f in facts if type(f) is kind]
        for kind, by_path in updates.items():
            if by_path:
                project.replace(kind, by_path)
