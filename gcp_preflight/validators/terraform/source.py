"""Terraform files (`*.tf`, `*.tfvars`, `*.auto.tfvars`): each parsed once into an HclFile fact
(cached with the file); once every file is read, `link` evaluates the modules together and adds
the deploy commands, archived folders and notices they make (validators/terraform/evaluate.py).

Files rendered by `templatefile()` are templates, not YAML: a YAML syntax error (PF003) in one is
dropped here, where it is known which files Terraform renders.
"""

from __future__ import annotations

from typing import Iterable

from gcp_preflight.validators.base import Problem, SourceText


def is_terraform(path: str) -> bool:
    return path.endswith((".tf", ".tfvars"))


class TerraformValidator:
    name = "terraform"

    def wants(self, path: str, head: str) -> bool:
        return is_terraform(path)

    def read(self, source: SourceText) -> Iterable[object]:
        from gcp_preflight.validators.terraform.hcl import read_hcl  # tree-sitter-hcl only when a .tf exists

        hcl, problems = read_hcl(source.path, source.text)
        yield from problems
        if hcl is not None:
            yield hcl

    def link(self, project) -> None:
        from gcp_preflight.validators.deploy.facts import DeployCommand
        from gcp_preflight.validators.terraform.facts import ArchivedSource, HclFile

        files = list(project.facts(HclFile))
        if not files:
            return
        from gcp_preflight.validators.terraform.evaluate import evaluate

        result = evaluate(files)
        by_path: dict[str, list] = {}
        for command in result.commands:
            by_path.setdefault(command.path, []).append(command)
        if by_path:
            project.replace(DeployCommand, {p: list(project.facts_in(p, DeployCommand)) + c for p, c in by_path.items()})
        archives: dict[str, list] = {}
        for archive in result.archives:
            archives.setdefault(archive.path, []).append(archive)
        if archives:
            project.replace(ArchivedSource, archives)
        updates: dict[str, list] = {}
        for notice in result.notices:
            path = notice.diagnostic.location.path
            updates.setdefault(path, list(project.facts_in(path, Problem))).append(notice)
        for path in sorted(result.templates):
            current = updates.get(path, list(project.facts_in(path, Problem)))
            if any(p.code == "PF003" for p in current):
                updates[path] = [p for p in current if p.code != "PF003"]
        if updates:
            project.replace(Problem, updates)
