"""Turn evaluated commands into facts: every command a ShellCommand, and each gcloud deploy
command also a DeployCommand with its flags split out (`--flag=value` and `--flag value`)."""

from __future__ import annotations

import posixpath
import re
from typing import Sequence

from gcp_preflight.gcloud import flags as gcloud_flags
from gcp_preflight.model import Location
from gcp_preflight.validators.deploy.facts import DeployCommand, Flag, ShellCommand, Word
from gcp_preflight.validators.shell.eval import Field, Invocation
from gcp_preflight.validators.shell.values import Value

_FLAG_PREFIX = re.compile(r"""^(["']?)(--[A-Za-z0-9][A-Za-z0-9-]*)=""")


def word(field: Field) -> Word:
    return word_of(field.value, field.raw, field.location)


def word_of(value: Value, raw: str, location: Location) -> Word:
    literal = value.literal
    origin = literal.origin if literal is not None and literal.via_variable else None
    if origin is None and value.assigned is not None and value.known and any(p.via_variable for p in value.pieces):
        origin = value.assigned
    return Word(value.text, raw, location, origin, value.reason if not value.known else "",
                literal.origin if literal is not None else None)


def facts_from(path: str, invocations: Sequence[Invocation], origin: str, start: int = 0,
               prune: bool = False) -> list[object]:
    """Every command, each followed by its deploy command if it is one; with `prune`, only up
    to the last deploy command (what prune_commands keeps, without building the rest's words)."""
    deploys = [deploy_command(path, start + offset, inv.location, inv.fields, origin,
                              inv.cwd if inv.cwd is not None else ".", inv.cwd is not None)
               for offset, inv in enumerate(invocations)]
    end = len(invocations)
    if prune:
        end = next((offset + 1 for offset in range(end - 1, -1, -1) if deploys[offset] is not None), 0)
    out: list[object] = []
    for offset in range(end):
        inv = invocations[offset]
        words = tuple(word(f) for f in inv.fields)
        cwd = inv.cwd if inv.cwd is not None else "."
        out.append(ShellCommand(path, start + offset, inv.location, words, cwd, inv.cwd is not None, inv.exits))
        if deploys[offset] is not None:
            out.append(deploys[offset])
    return out


def prune_commands(facts: list[object]) -> list[object]:
    """Only the commands that can matter: those before a file's last deploy, which the packaging
    family replays to build the deployed folder. A script with no deploy keeps none (most of a
    repository's commands are echoes and checks, and they would be cached and loaded for
    nothing)."""
    last: dict[str, int] = {}
    for item in facts:
        if isinstance(item, DeployCommand):
            last[item.path] = max(last.get(item.path, -1), item.sequence)
    return [f for f in facts if not isinstance(f, ShellCommand) or f.sequence <= last.get(f.path, -1)]


def _command_path(texts: list[str | None], i: int) -> tuple[str, int] | None:
    for command in sorted(gcloud_flags.COMMANDS, key=lambda c: -len(c.split())):
        parts = command.split()
        if texts[i:i + len(parts)] == parts:
            return command, i + len(parts)
    return None


def deploy_command(path: str, sequence: int, location: Location, fields: Sequence[Field], origin: str,
                   cwd: str = ".", cwd_known: bool = True) -> DeployCommand | None:
    if not fields or fields[0].value.text is None or posixpath.basename(fields[0].value.text) not in ("gcloud", "gcloud.cmd"):
        return None
    texts = [f.value.text for f in fields]
    i = 1
    leading: list[Flag] = []
    while i < len(texts) and texts[i] is not None and texts[i].startswith("-"):
        flag, i = _flag(fields, i, "")
        leading.append(flag)
    track = ""
    if i < len(texts) and texts[i] in ("beta", "alpha"):
        track, i = texts[i], i + 1
    matched = _command_path(texts, i)
    if matched is None:
        return None
    command, i = matched
    flags, opaque, name = list(leading), [], None
    while i < len(fields):
        field = fields[i]
        text = field.value.text
        if field.many:
            if _FLAG_PREFIX.match(field.raw):  # `--set-env-vars=A=$X`: the flag is there, however $X splits
                flags.append(_flag(fields, i, command)[0])
            opaque.append(word(field))
            i += 1
        elif text is not None and text == "--":
            i += 1
        elif (text is not None and text.startswith("-") and len(text) > 1) or (text is None and _FLAG_PREFIX.match(field.raw)):
            flag, i = _flag(fields, i, command)
            flags.append(flag)
        elif name is None:
            name = word(field)
            i += 1
        else:
            opaque.append(word(field))
            i += 1
    return DeployCommand(path, sequence, location, gcloud_flags.PLATFORMS[command], command, track, name,
                         tuple(flags), origin, cwd, tuple(opaque), cwd_known)


def _flag(fields: Sequence[Field], i: int, command: str) -> tuple[Flag, int]:
    field = fields[i]
    text = field.value.text
    if text is None or "=" in text:
        prefix = _FLAG_PREFIX.match(field.raw)
        name = prefix.group(2) if prefix else (text or "").split("=", 1)[0]
        value = field.value.slice(len(name) + 1) if text is not None else field.value
        raw_start = prefix.end() if prefix else len(name) + 1
        raw = field.raw[raw_start:]
        if prefix and prefix.group(1) and raw.endswith(prefix.group(1)):
            raw = raw[:-1]
        loc = field.location
        value_loc = Location(loc.path, loc.line, loc.column + raw_start, loc.end_line, loc.end_column) \
            if loc.end_line == loc.line else loc
        return Flag(name, word_of(value, raw, value_loc), loc), i + 1
    name = "--quiet" if text == "-q" else text
    arity = gcloud_flags.takes_value(command, name) if command else gcloud_flags.GLOBAL_FLAGS.get(name)
    nxt = fields[i + 1] if i + 1 < len(fields) else None
    if arity is None:  # a flag no table knows: it takes a value when one follows
        arity = nxt is not None and not (nxt.value.text or "").startswith("-") and not nxt.many
    if arity and nxt is not None:
        return Flag(name, word(nxt), field.location), i + 2
    return Flag(name, None, field.location), i + 1
