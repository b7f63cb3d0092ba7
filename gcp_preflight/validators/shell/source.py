"""Shell scripts: evaluate each statically and yield its commands and deploy commands.

A script that sources another script of the repository is evaluated a second time once every
file is read (`link`), with the sourced file's text followed in place, as bash would.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable

from gcp_preflight.facts import dumps, fact
from gcp_preflight.validators.base import SourceText, problem
from gcp_preflight.validators.deploy.facts import DeployCommand, ShellCommand, ShellSource
from gcp_preflight.validators.deploy.reader import facts_from
from gcp_preflight.validators.shell.eval import ShellEvaluator, parse
from gcp_preflight.validators.shell.positions import Positions

_SHEBANG = re.compile(r"^#!\s*\S*?(?:/|\benv\s+)(?:ba|da|k)?sh\b")
SHELL_SUFFIXES = (".sh", ".bash")
# A template a tool renders into a script (Ansible's `join.sh.j2`): not shell until rendered.
TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl")
# Files another reader owns, whatever their first line: a `#!/bin/bash` atop a .tf file is an
# HCL comment (professional-services), atop a .sql file a pasted header.
OTHER_LANGUAGES = (".tf", ".tfvars", ".hcl", ".yaml", ".yml", ".json", ".sql", ".py", ".md", ".txt", ".toml", ".cfg",
                   ".ini")


def is_shell_script(path: str, head: str) -> bool:
    """A shell script by its suffix or, for a file of no other language, its first line
    (`#!/bin/bash`, `#!/usr/bin/env sh`); never a template."""
    if path.endswith(TEMPLATE_SUFFIXES):
        return False
    return path.endswith(SHELL_SUFFIXES) or (not path.endswith(OTHER_LANGUAGES) and bool(_SHEBANG.match(head)))


def evaluate(path: str, text: str, load=None, parsed: dict | None = None,
             prune: bool = True) -> tuple[ShellEvaluator, list[object]]:
    source = text.encode("utf-8")
    evaluator = ShellEvaluator(path, load=load, parsed=parsed)
    evaluator.run(Positions(path, source), parse(source))
    facts: list[object] = facts_from(path, evaluator.invocations, "shell", prune=prune)
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

        def current(candidate: str) -> str:
            """What a sourced file is now, as a link record keeps it: its hash, "" if unread."""
            return (project.digest(candidate) or "") if candidate in readable else ""

        def evaluate_recording(path: str) -> tuple[list[object], dict[str, str]]:
            asked: dict[str, str] = {}

            def recording(candidate: str) -> bytes | None:
                asked[candidate] = current(candidate)
                return load(candidate)

            return evaluate(path, project.text(path), recording, parsed, prune=self.prune)[1], asked

        todo = [path for path in sorted(shell_paths) if path in readable
                and any(c in readable for s in project.facts_in(path, ShellSource) for c in s.candidates)]
        store = getattr(project, "cache", None)
        keys = {path: _link_key(path, project.digest(path), self.prune) for path in todo}
        cached = store.get_many([k for k in keys.values() if k]) if store is not None else {}
        fresh: list[tuple[str, bytes]] = []
        updates: dict[type, dict[str, list]] = {ShellCommand: {}, DeployCommand: {}, ShellSource: {}}
        for path in todo:
            found = cached.get(keys[path])
            if found and type(found[0]) is LinkRecord and all(current(c) == d for c, d in found[0].asked):
                facts = list(found[1:])  # the script and every file it sourced are as they were
            else:
                facts, asked = evaluate_recording(path)
                if keys[path]:
                    try:
                        fresh.append((keys[path], dumps((LinkRecord(tuple(sorted(asked.items()))), *facts))))
                    except TypeError:
                        pass  # not cacheable: evaluated again next time
            for kind, by_path in updates.items():
                by_path[path] = [f for f in facts if type(f) is kind]
        if store is not None and fresh:
            store.put_encoded(fresh)
        if store is not None:
            store.close()
        for kind, by_path in updates.items():
            if by_path:
                project.replace(kind, by_path)


@fact
@dataclass(slots=True, unsafe_hash=True)
class LinkRecord:
    """What a script's linked evaluation read besides its own text: each file it tried to source
    with that file's hash then ("" when it was not there to read). The cached result holds
    while every one is as it was."""

    asked: tuple[tuple[str, str], ...]


def _link_key(path: str, digest: str | None, prune: bool) -> str | None:
    if not digest:
        return None
    from gcp_preflight.project import code_fingerprint

    return hashlib.sha256(f"link\0{code_fingerprint()}\0{path}\0{digest}\0{prune}".encode()).hexdigest()
