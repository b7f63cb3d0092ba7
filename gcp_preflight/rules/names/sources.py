"""Name sources: where a list of names is read from, and the names each one yields.

A source spec reads one kind of place (a Python symbol, a YAML path, subclasses of a class,
patterns in shell string literals). Matching a spec gives instances: one per file for Python and
YAML (a copied config module is its own instance, since each copy is deployed), one for classes
and shell literals, which are registries spread over many files.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache

from gcp_preflight import ignore_patterns
from gcp_preflight.model import Location
from gcp_preflight.testpaths import TEST_FILE
from gcp_preflight.rules.names.resolve import Evaluator, NameItem, PythonIndex, Resolved, Unknown
from gcp_preflight.rules.names.query import is_simple, select_data, yaml_data
from gcp_preflight.rules.names.yaml_select import select
from gcp_preflight.validators.names.python import PyCallArgs, PyNameBinding
from gcp_preflight.validators.shell.commands import ShellCallArgs
from gcp_preflight.validators.shell.literals import ShellLiteral
from gcp_preflight.validators.yaml.source import YamlDocument


@dataclass(frozen=True)
class SourceSpec:
    """One configured source. Exactly one of python/yaml/classes/shell is set."""

    name: str
    python: str = ""  # glob of files
    symbol: str = ""  # NAME or Class.attr
    yaml: str = ""  # glob of files
    select: str = ""  # a path into a YAML document or a Python value: simple or JMESPath
    classes: str = ""  # base class name
    attribute: str = ""  # with classes: the class attribute to read instead of the class name
    shell: str = ""  # glob of files
    pattern: str = ""  # regex with one group, applied to string literals
    part: str = "keys"  # dicts and YAML mappings: "keys" or "values"
    element: int | None = None  # tuple items: which element holds the name
    where_in: tuple[str, ...] = ()  # only names (for classes: of classes) these other sources hold
    where_key_in: tuple[str, ...] = ()  # a Python dict: only the entries whose key they hold
    call: str = ""  # a callable's name (`get_path`, `*.register`): string literals passed to it
    argument: int | None = None  # with call: the argument's position (0 = first)
    keyword: str = ""  # with call: the keyword argument's name

    @property
    def kind(self) -> str:
        return next(k for k in ("call", "python", "yaml", "classes", "shell") if getattr(self, k))

    def describe(self) -> str:
        if self.call:
            which = f"argument {self.keyword}" if self.keyword else f"argument {self.argument or 0}"
            return f"{which} of {self.call}(...) in {self.python or self.shell or '**'}"
        if self.python:
            return f"{self.symbol} in {self.python}"
        if self.yaml:
            return f"{self.select} in {self.yaml}"
        if self.classes:
            what = f"the {self.attribute} of" if self.attribute else "the names of"
            return f"{what} subclasses of {self.classes}"
        return f"/{self.pattern}/ in string literals of {self.shell}"


@dataclass
class Instance:
    """The names a source yields in one place. `path` is None for a source spread over files."""

    label: str
    path: str | None
    location: Location  # where the list is defined (its first name for registries)
    items: list[NameItem] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)
    python: bool = False  # duplicates matter only inside one Python literal
    intermediate: set[str] = field(default_factory=set)  # classes others derive from

    @property
    def texts(self) -> set[str]:
        return {i.text for i in self.items}


def _glob(path: str, pattern: str) -> bool:
    return ignore_patterns.matches(pattern, path)


def python_instances(index: PythonIndex, spec: SourceSpec, label: str, keys: set[str] | None = None) -> list[Instance]:
    out = []
    matching = [b for b in index.every(spec.symbol) if _glob(b.path, spec.python)]
    per_file: dict[str, int] = {}
    for binding in matching:
        per_file[binding.path] = per_file.get(binding.path, 0) + 1
    for binding in matching:
        # A symbol bound in several branches (`try:` / `except ImportError:`) gives one
        # instance per binding, told apart by its line.
        shown = f"{label} (line {binding.location.line})" if per_file[binding.path] > 1 else label
        if spec.select or keys is not None:
            out.append(selected_instance(index, binding, shown, spec, keys))
        else:
            out.append(binding_instance(index, binding, shown, spec.part, spec.element))
    return out


def binding_instance(index: PythonIndex, binding: PyNameBinding, label: str, part: str = "keys",
                     element: int | None = None) -> Instance:
    resolved = Evaluator(index, part, element).value(binding)
    return Instance(label, binding.path, binding.location, resolved.items, resolved.unknowns, python=True)


def selected(index: PythonIndex, binding: PyNameBinding, spec: SourceSpec, keys: set[str] | None = None) -> Resolved:
    """A Python value read through a selector: nested fields, filters (`[?enabled]`); with
    `keys`, a dict's entries whose key is one of them."""
    from gcp_preflight.rules.names.pydata import DataBuilder
    try:
        data = DataBuilder(index).value(binding)
        if keys is not None:
            data = {k: v for k, v in data.items() if k in keys} if isinstance(data, dict) else {}
        items, unknowns = select_data(spec.select or "@", data, spec.part, binding.location)
    except RecursionError:  # values nested within values past the interpreter's limit
        return Resolved([], [Unknown("the value is nested too deeply to select from", binding.location)])
    return Resolved(items, unknowns)


def selected_instance(index: PythonIndex, binding: PyNameBinding, label: str, spec: SourceSpec,
                      keys: set[str] | None = None) -> Instance:
    found = selected(index, binding, spec, keys)
    return Instance(label, binding.path, binding.location, found.items, found.unknowns)


def yaml_instances(documents: tuple[YamlDocument, ...], spec: SourceSpec, label: str) -> list[Instance]:
    by_path: dict[str, Instance] = {}
    for doc in documents:
        if not _glob(doc.path, spec.yaml):
            continue
        if is_simple(spec.select):
            items = select(doc, spec.select, spec.part)
        else:
            try:
                items, _ = select_data(spec.select, yaml_data(doc.path, doc.root), spec.part, Location(doc.path, 1, 1))
            except RecursionError:  # a document nested past the interpreter's limit: nothing selected
                items = []
        if items:
            inst = by_path.setdefault(doc.path, Instance(label, doc.path, items[0].location))
            inst.items += items
    return list(by_path.values())


@lru_cache(maxsize=65536)
def _test_file(path: str) -> bool:
    """TEST_FILE.search, once per path: init asks of every subclass for each attribute set."""
    return TEST_FILE.search(path) is not None


def class_instances(index: PythonIndex, spec: SourceSpec, label: str, allowed: set[str] | None = None) -> list[Instance]:
    resolved = Resolved()
    found = index.subclasses(spec.classes)
    bases = {b.split(".")[-1] for cls in found for b in cls.bases}
    for cls in found:
        if (allowed is not None and cls.name not in allowed) or _test_file(cls.path):
            continue  # a test's mock subclass is no member of the registry
        if not spec.attribute:
            resolved.items.append(NameItem(cls.name, cls.location))
            continue
        binding = index.class_attribute(cls, spec.attribute)
        if binding is None:
            continue
        own = (binding.path, binding.symbol) == (cls.path, f"{cls.name}.{spec.attribute}")
        if not own and cls.name in bases:
            continue  # an intermediate base that does not set it: its subclasses do
        value = selected(index, binding, spec) if spec.select else Evaluator(index).value(binding)
        if not own:  # the root base's placeholder ("" or None) is no name
            value.items = [i for i in value.items if i.text]
        resolved.extend(value)
    if not resolved.items and not resolved.unknowns:
        return []
    first = resolved.items[0].location if resolved.items else resolved.unknowns[0].location
    intermediate = {cls.name for cls in found if cls.name in bases}
    return [Instance(label, None, first, resolved.items, resolved.unknowns, intermediate=intermediate)]


def shell_instances(literals: tuple[ShellLiteral, ...], spec: SourceSpec, label: str) -> list[Instance]:
    pattern = re.compile(spec.pattern)
    items = []
    for lit in literals:
        if not _glob(lit.path, spec.shell):
            continue
        for match in pattern.finditer(lit.text):
            start = match.start(1) if match.re.groups else match.start()
            text = match.group(1) if match.re.groups else match.group(0)
            items.append(NameItem(text, _offset_location(lit, start, len(text))))
    return [Instance(label, None, items[0].location, items)] if items else []


def _offset_location(lit: ShellLiteral, offset: int, length: int) -> Location:
    before = lit.text[:offset]
    line = lit.location.line + before.count("\n")
    column = (offset - before.rfind("\n")) if "\n" in before else lit.location.column + offset
    return Location(lit.path, line, column, line, column + length)


def _calls(callee: str, pattern: str) -> bool:
    """`get_path` matches `get_path(...)` and `paths.get_path(...)`; `*.register` any receiver."""
    return fnmatch.fnmatchcase(callee, pattern) or fnmatch.fnmatchcase(callee, "*." + pattern)


def call_instances(calls: tuple[PyCallArgs, ...], commands: tuple[ShellCallArgs, ...], spec: SourceSpec,
                   label: str) -> list[Instance]:
    """The literals passed to a callable, across files: Python calls, or with `shell` the
    arguments of a shell function or command."""
    position = spec.argument if spec.argument is not None else (None if spec.keyword else 0)
    items = []
    if spec.shell:
        for command in commands:
            if _glob(command.path, spec.shell) and _calls(command.name, spec.call):
                items += [NameItem(text, loc) for (text, loc), at in zip(command.args, command.positions)
                          if at == position]
    else:
        for call in calls:
            # tests pass names that do not exist on purpose (`get("nonexistent")`): calls in
            # test files count only when `python` names them
            if not spec.python and TEST_FILE.search(call.path):
                continue
            if _glob(call.path, spec.python or "**") and _calls(call.callee, spec.call):
                items += [NameItem(text, loc) for at, keyword, text, loc in call.args
                          if (keyword and keyword == spec.keyword) or (not keyword and at == position)]
    items.sort(key=lambda i: (i.location.path, i.location.line, i.location.column))
    return [Instance(label, None, items[0].location, items)] if items else []
