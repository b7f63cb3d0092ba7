"""`--flags-file`: a deploy command that takes flags from a YAML file of the repository.

gcloud replaces each `--flags-file=FILE` with the flags the file holds (`gcloud topic
flags-file`): a YAML map of flag names to values (`--memory: 512MB`; no value for a switch,
`--trigger-http:`; a list or map value for list and dict flags), or a list of such maps for a flag
given more than once. Normal precedence applies: a flag later on the line wins. The path is
relative to the directory gcloud runs in.

Once every file is read (`link`), each deploy command's `--flags-file` is resolved: from the
command's working directory when it is known, else the repository files whose path ends with the
one written. One file found: its flags are spliced into the command at the `--flags-file`, each
placed at its line in the YAML file, so every rule reads them. None or several (a script that runs
in each function's folder in turn): the file is recorded as opaque, and PF302 says the memory is
not known rather than missing.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from gcp_preflight.model import Location
from gcp_preflight.validators.deploy.facts import DeployCommand, Flag, Word
from gcp_preflight.validators.deploy.yaml_scripts import scalar_span
from gcp_preflight.lines import split_lines

FLAGS_FILE = "--flags-file"


def _text(node) -> str | None:
    """A flag value as gcloud passes it: a scalar as written, a list joined with commas, a map as
    KEY=VALUE pairs; None for a value that is not a plain one (a list of maps)."""
    if node.kind == "scalar":
        return node.value if node.value is not None else ""
    if node.kind == "seq" and all(item.kind == "scalar" for item in node.items):
        return ",".join(item.value or "" for item in node.items)
    if node.kind == "map" and all(k.kind == "scalar" and v.kind == "scalar" for k, v in node.items):
        return ",".join(f"{k.value}={v.value or ''}" for k, v in node.items)
    return None


def _is_null(node) -> bool:
    return node.kind == "scalar" and node.tag.endswith(":null")


def _flags_of(project, path: str) -> list[Flag] | None:
    """The flags a flags file gives, in order; None when it is not a map (or list of maps) of
    flags."""
    from gcp_preflight.validators.yaml.source import YamlDocument

    documents = project.facts_in(path, YamlDocument)
    if len(documents) != 1:
        return None
    root = documents[0].root
    maps = [root] if root.kind == "map" else list(root.items) if root.kind == "seq" else []
    if not maps or any(m.kind != "map" for m in maps):
        return None
    text = project.text(path) or ""
    lines = split_lines(text)
    out: list[Flag] = []
    for mapping in maps:
        for key, value in mapping.items:
            name = key.value or ""
            if key.kind != "scalar" or not name.startswith("--"):
                return None
            where = Location(path, key.line, key.column, key.line, key.column + len(name))
            if _is_null(value) or (value.kind == "scalar" and value.value == "true" and value.tag.endswith(":bool")):
                out.append(Flag(name, None, where))
                continue
            if value.kind == "scalar" and value.value == "false" and value.tag.endswith(":bool"):
                out.append(Flag("--no-" + name[2:], None, where))
                continue
            shown = _text(value)
            if value.kind == "scalar":
                at, literal = scalar_span(path, value, lines)
            else:
                at, literal = Location(path, value.line, value.column), None
            reason = "" if shown is not None else "a value the flags file gives as a list of maps"
            out.append(Flag(name, Word(shown, value.value if value.kind == "scalar" else (shown or ""), at, None,
                                       reason, literal), where))
    return out


def _candidates(project, command: DeployCommand, written: str) -> list[str]:
    files = project.tree.files
    if written.startswith("/"):
        return []
    if command.cwd_known:
        path = posixpath.normpath(posixpath.join(command.cwd, written))
        return [path] if project.text(path) is not None else []
    clean = posixpath.normpath(written)
    return sorted(p for p in files if (p == clean or p.endswith("/" + clean)) and project.text(p) is not None)


def _linked(project, command: DeployCommand) -> DeployCommand:
    flags: list[Flag] = []
    opaque = list(command.opaque)
    changed = False
    cwd = None  # the working directory the file's place tells, when the script does not
    read: list[str] = []
    for flag in command.flags:
        flags.append(flag)
        if flag.name != FLAGS_FILE or flag.value is None:
            continue
        changed = True
        word = flag.value
        if word.text is None:
            opaque.append(word)
            continue
        found = _candidates(project, command, word.text)
        spliced = _flags_of(project, found[0]) if len(found) == 1 else None
        if spliced is not None:
            flags.extend(spliced)
            read.append(found[0])
            if not command.cwd_known:  # gcloud found the file where it runs: that is the directory
                folder = posixpath.dirname(found[0])
                for _ in posixpath.normpath(word.text).split("/")[:-1]:
                    folder = posixpath.dirname(folder)
                cwd = folder or "."
            continue
        if len(found) == 1:
            why = f"{found[0]} is not a YAML map of flags"
        elif found:
            shown = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
            why = (f"{word.text} is one of {len(found)} files of that name ({shown}); which one depends on the "
                   f"directory the command runs in, which is not known here")
        else:
            why = f"{word.text} is not in the repository"
        opaque.append(Word(None, f"{FLAGS_FILE}={word.raw}", flag.location, unknown_reason=why))
    if not changed:
        return command
    if cwd is not None:
        return replace(command, flags=tuple(flags), opaque=tuple(opaque), cwd=cwd, cwd_known=True,
                       flags_files=tuple(read))
    return replace(command, flags=tuple(flags), opaque=tuple(opaque), flags_files=tuple(read))


class FlagsFileLinker:
    """Reads no file itself: after every file is read, splices flags files into deploy commands."""

    name = "flags-file"

    def wants(self, path: str, head: str) -> bool:
        return False

    def read(self, source):
        return ()

    def link(self, project) -> None:
        commands = project.facts(DeployCommand)
        if not any(c.has(FLAGS_FILE) for c in commands):
            return
        by_path: dict[str, list[DeployCommand]] = {}
        touched = set()
        for command in commands:
            linked = _linked(project, command) if command.has(FLAGS_FILE) else command
            by_path.setdefault(command.path, []).append(linked)
            if linked is not command:
                touched.add(command.path)
        project.replace(DeployCommand, {path: by_path[path] for path in sorted(touched)})
