"""What `preflight init` proposes for `[tool.gcp-preflight.names]`: the contracts the repository's
contents give evidence for (rules/names/evidence.py), as a commented TOML snippet."""

from __future__ import annotations

from gcp_preflight.rules.names.check import python_index
from gcp_preflight.rules.names.evidence import NameSet, infer
from gcp_preflight.validators.names.python import PyCallArgs
from gcp_preflight.validators.shell.commands import ShellCallArgs
from gcp_preflight.validators.shell.literals import ShellLiteral
from gcp_preflight.validators.yaml.source import YamlDocument


def _value(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + str(value) + "'" if "\\" in str(value) or '"' in str(value) else f'"{value}"'


def _source(prefix: str, s: NameSet) -> list[str]:
    names = f"{len(s.texts)} names" if len(s.texts) != 1 else "1 name"
    copies = f", {len(s.paths)} copies" if len(s.paths) > 1 else ""
    if s.kind == "calls":  # calls spread over files: not copies
        copies = f", in {len(s.paths)} files" if len(s.paths) > 1 else ""
    lines = [f"# {s.about} ({names}{copies})", f"[{prefix}names.sources.{s.key}]"]
    return lines + [f"{k} = {_value(v)}" for k, v in s.spec.items()] + [""]


def propose_names_config(project, prefix: str = "tool.gcp-preflight.") -> str:
    """A TOML snippet for the names section. `prefix` is "" for a preflight.toml."""
    proposal = infer(project.memo(python_index), project.facts(YamlDocument), project.facts(ShellLiteral),
                     project.facts(PyCallArgs), project.facts(ShellCallArgs))
    out = [f"# [{prefix}names]: name consistency contracts, proposed by `preflight init` from what the",
           "# names in this repository already agree on; each contract says why. With no contracts,",
           "# Python lists named *processor* are checked against processor_name values in YAML."]
    if not proposal.contracts and not proposal.tentative:
        out += ["# No name sets that mostly agree were found: nothing to propose.",
                "# Describe your own name sources and contracts (see `preflight rule PF101`)."]
        return "\n".join(out) + "\n"
    out.append("")
    active = {s.key for _, a, b, _ in proposal.contracts for s in (a, b)}
    for s in proposal.sets:
        lines = _source(prefix, s)
        # a source only a contract not enforced uses stays commented out too: sources are
        # checked on their own (PF104 duplicates), and nothing asked for this one yet
        out += lines if s.key in active else [f"# {line}" if line and not line.startswith("#") else line
                                              for line in lines]
    for kind, source, target, why in proposal.contracts:
        out += [f"# {why}", f"[[{prefix}names.contracts]]", f'kind = "{kind}"', f'source = "{source.key}"',
                f'target = "{target.key}"', ""]
    for kind, source, target, why, why_not in proposal.tentative:
        out += [f"# {why}; not enforced: {why_not}.",
                "# Uncomment to enforce (and any of its sources commented out above; each such name is then "
                "reported):",
                f"# [[{prefix}names.contracts]]", f'# kind = "{kind}"', f'# source = "{source.key}"',
                f'# target = "{target.key}"', ""]
    return "\n".join(out).rstrip("\n") + "\n"
