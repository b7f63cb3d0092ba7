"""Compact, complete views of command facts, so tests can compare whole lists exactly."""

from gcp_preflight.validators.base import Problem
from gcp_preflight.validators.deploy.facts import DeployCommand, ShellCommand, ShellSource


def at(location):
    return None if location is None else f"{location.path}:{location.line}:{location.column}"


def summary(facts):
    out = []
    for f in facts:
        if isinstance(f, ShellCommand):
            out.append(("cmd", f.sequence, at(f.location), [w.text for w in f.words], f.cwd if f.cwd_known else None))
        elif isinstance(f, DeployCommand):
            flags = [(x.name, None if x.value is None else (x.value.text or x.value.unknown_reason), at(x.location),
                      None if x.value is None else at(x.value.origin)) for x in f.flags]
            out.append(("deploy", f.sequence, f.command, f.release_track, f.platform, f.name and f.name.text,
                        f.generation, flags, [w.raw for w in f.opaque]))
        elif isinstance(f, ShellSource):
            out.append(("source", at(f.location), f.target, f.candidates, f.read))
        elif isinstance(f, Problem):
            out.append(("problem", f.code, at(f.diagnostic.location), f.diagnostic.message))
        else:
            out.append((type(f).__name__,))
    return out
