"""Name sets of a repository, for `preflight init`: what each holds and how to configure it as a
names source. Declared kinds: "yaml" (processor_name values), "registry" (a dict's keys),
"classes" (subclasses of a root base), "attribute" (a string attribute those subclasses set);
used kinds: "list", "values" (a dict's values), "shell" (a JSON key's values in shell literals),
"calls" (the literals a Python callable or a shell command is given at one argument position).
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass

from gcp_preflight.rules.names import auto
from gcp_preflight.rules.names.resolve import PythonIndex, shape
from gcp_preflight.rules.names.sources import SourceSpec, binding_instance, class_instances
from gcp_preflight.validators.names.python import PyCallArgs, PyNameBinding
from gcp_preflight.validators.shell.commands import ShellCallArgs
from gcp_preflight.validators.shell.literals import ShellLiteral

JSON_PAIR = re.compile(r'"([A-Za-z_][\w-]*)"\s*:\s*"([^"\\]+)"')


@dataclass
class NameSet:
    key: str  # the source name in the proposed config
    spec: dict[str, object]  # the source's TOML fields
    texts: set[str]
    kind: str  # "yaml", "registry", "classes", "attribute", "list", "values", "shell"
    about: str  # what it is, for comments
    paths: tuple[str, ...] = ()
    binding: tuple[str, str] | None = None  # (first path, symbol): its own keys are not its target
    base: str = ""  # classes and attribute sets: the base class

    @property
    def owner(self) -> tuple[str, str]:
        """The file glob and class a field belongs to: required and expected lists of one owner."""
        symbol = str(self.spec.get("symbol", ""))
        return str(self.spec.get("python", "")), symbol.rpartition(".")[0]


def glob_for(paths: list[str]) -> str:
    """One path, or `**/` and the path tail all copies share."""
    if len(paths) == 1:
        return paths[0]
    tail: list[str] = []
    for parts in zip(*(reversed(p.split("/")) for p in paths)):
        if len(set(parts)) != 1:
            break
        tail.insert(0, parts[0])
    return "**/" + "/".join(tail)


def key_of(symbol: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", symbol.split(".")[-1]).lower()


def _python_groups(index: PythonIndex) -> dict[tuple[str, str], list[PyNameBinding]]:
    """Bindings by (symbol, place): copies of one module share a group; each main.py (a
    function's own fallback) is a group of its own."""
    groups: dict[tuple[str, str], list[PyNameBinding]] = defaultdict(list)
    for symbol, bindings in sorted(index.by_symbol.items()):
        for b in bindings:
            if auto.TEST_FILE.search(b.path):
                continue
            base = posixpath.basename(b.path)
            groups[(symbol, b.path if base == "main.py" else base)].append(b)
    return groups


def _tuple_width(index: PythonIndex, binding: PyNameBinding) -> int:
    values = [v for k, v in binding.value.items if k.kind != "splat"] if binding.value.kind == "dict" else []
    if values and all(v.kind == "seq" for v in values):
        return min(len(v.items) for v in values)
    return 0


def _subclass_attribute(index: PythonIndex, binding: PyNameBinding) -> bool:
    """`Cls.attr` of a class with a project base: part of an attribute set (class_sets), not a list."""
    cls = index.classes.get((binding.path, binding.symbol.partition(".")[0]))
    return cls is not None and "." in binding.symbol and \
        any(b.split(".")[-1] in index.classes_by_name for b in cls.bases)


def python_sets(index: PythonIndex, unique) -> list[NameSet]:
    out = []
    for (symbol, place), bindings in _python_groups(index).items():
        first = bindings[0]
        if _subclass_attribute(index, first):
            continue
        paths = sorted(b.path for b in bindings)
        where = {"python": glob_for(paths), "symbol": symbol}
        stem = key_of(symbol)
        if place.endswith("main.py") and place != "main.py":
            stem = f"{key_of(posixpath.basename(posixpath.dirname(place)))}_{stem}"
        kind = shape(index, first)
        parts: list[tuple[str, str, dict, int | None]] = []
        if kind == "collection":
            parts.append(("list", stem, {}, None))
        elif kind == "dict":
            parts.append(("registry", stem, {}, None))
            width = _tuple_width(index, first)
            if width:
                parts += [("values", f"{stem}_values_{i}", {"part": "values", "element": i}, i) for i in range(width)]
            else:
                parts.append(("values", f"{stem}_values", {"part": "values"}, None))
        for set_kind, key, extra, element in parts:
            inst = binding_instance(index, first, symbol, extra.get("part", "keys"), element)
            if not inst.items or inst.unknowns:  # partly dynamic sets are not proposed: nothing to vouch for
                continue
            about = {"list": f"names in {symbol}", "registry": f"keys of {symbol}"}.get(
                set_kind, f"values of {symbol}" + (f" (element {element} of each tuple)" if element is not None else ""))
            out.append(NameSet(unique(key), {**where, **extra}, inst.texts, set_kind, about, tuple(paths),
                               (first.path, symbol)))
    return out


def class_sets(index: PythonIndex, unique) -> list[NameSet]:
    """Per root base class with two or more subclasses: their names, and each string attribute
    two or more of them set."""
    attrs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path, own in index.bindings.items():
        for symbol, b in own.items():
            cls, _, attr = symbol.partition(".")
            if attr and "." not in attr and shape(index, b) == "str":
                attrs[(path, cls)].add(attr)
    out = []
    roots = sorted({c.name for c in index.classes.values()
                    if not any(b.split(".")[-1] in index.classes_by_name for b in c.bases)})
    for root in roots:
        found = [c for c in index.subclasses(root) if not auto.TEST_FILE.search(c.path)]
        if len(found) < 2:
            continue
        out.append(NameSet(unique(f"{key_of(root)}_classes"), {"classes": root}, {c.name for c in found}, "classes",
                           f"names of {root} subclasses", base=root))
        counts: dict[str, int] = defaultdict(int)
        for c in found:
            for attr in attrs.get((c.path, c.name), ()):
                counts[attr] += 1
        for attr in sorted(a for a, n in counts.items() if n >= 2):
            spec = SourceSpec(name=attr, classes=root, attribute=attr)
            insts = class_instances(index, spec, attr)
            if insts and not insts[0].unknowns:
                out.append(NameSet(unique(f"{key_of(root)}_{attr}"), {"classes": root, "attribute": attr},
                                   insts[0].texts, "attribute", f"{attr} values of {root} subclasses", base=root))
    return out


def _shell_glob(paths: list[str]) -> str:
    if len(paths) == 1:
        return paths[0]
    folder = posixpath.commonpath(paths)
    ext = {posixpath.splitext(p)[1] for p in paths}
    return f"{folder + '/' if folder else ''}**/*{ext.pop() if len(ext) == 1 else ''}"


def shell_sets(literals: tuple[ShellLiteral, ...], unique) -> list[NameSet]:
    """The values of each JSON key written in shell string literals (scheduler message bodies)."""
    values: dict[str, set[str]] = defaultdict(set)
    paths: dict[str, set[str]] = defaultdict(set)
    for lit in literals:
        if auto.TEST_FILE.search(lit.path):
            continue
        for key, value in JSON_PAIR.findall(lit.text):
            values[key].add(value)
            paths[key].add(lit.path)
    return [NameSet(unique(f"{key_of(key)}_payloads"),
                    {"shell": _shell_glob(sorted(paths[key])), "pattern": f'"{key}":\\s*"([^"]+)"'},
                    values[key], "shell", f'"{key}" values in shell string literals')
            for key in sorted(values)]


MIN_CALL_NAMES = 2  # distinct literals a call must be given before its argument is a name set


def call_sets(calls: tuple[PyCallArgs, ...], commands: tuple[ShellCallArgs, ...], unique) -> list[NameSet]:
    """The string literals each callable is given at one argument position (`get_path("key")`,
    `self._enqueue("BQWaiter", ...)`), and each shell function's or command's literal arguments
    (`create_job nbac_schedule`): used sets, proposed only when they mostly name a declared set."""
    python: dict[tuple[str, int], set[str]] = defaultdict(set)
    python_paths: dict[tuple[str, int], set[str]] = defaultdict(set)
    for call in calls:
        if auto.TEST_FILE.search(call.path):
            continue
        receiver, _, name = call.callee.rpartition(".")
        pattern = f"*.{name}" if receiver else name
        for position, keyword, text, _ in call.args:
            if not keyword:
                python[(pattern, position)].add(text)
                python_paths[(pattern, position)].add(call.path)
    shell: dict[tuple[str, int], set[str]] = defaultdict(set)
    shell_paths: dict[tuple[str, int], set[str]] = defaultdict(set)
    for command in commands:
        if auto.TEST_FILE.search(command.path):
            continue
        for (text, _), position in zip(command.args, command.positions):
            shell[(command.name, position)].add(text)
            shell_paths[(command.name, position)].add(command.path)
    out = []
    for (pattern, position), texts in sorted(python.items()):
        if len(texts) >= MIN_CALL_NAMES:
            out.append(NameSet(unique(f"{key_of(pattern)}_arg{position}"), {"call": pattern, "argument": position},
                               texts, "calls", f"literals passed to {pattern}() as argument {position}",
                               tuple(sorted(python_paths[(pattern, position)]))))
    for (name, position), texts in sorted(shell.items()):
        if len(texts) >= MIN_CALL_NAMES:
            paths = sorted(shell_paths[(name, position)])
            out.append(NameSet(unique(f"{key_of(name)}_arg{position}"),
                               {"call": name, "shell": _shell_glob(paths), "argument": position}, texts, "calls",
                               f"arguments {position} of the shell command {name}", tuple(paths)))
    return out
