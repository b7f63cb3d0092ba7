"""Name sources: where a list of names is read from, and the names each one yields.

A source spec reads one kind of place (a Python symbol, a YAML path, subclasses of a class,
patterns in shell string literals). Matching a spec gives instances: one per file for Python and
YAML (a copied config module is its own instance, since each copy is deployed), one for classes
and shell literals, which are registries spread over many files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gcp_preflight import ignore_patterns
from gcp_preflight.model import Location
from gcp_preflight.rules.names.resolve import Evaluator, NameItem, PythonIndex, Resolved, Unknown
from gcp_preflight.rules.names.yaml_select import select
from gcp_preflight.validators.names.python import PyNameBinding
from gcp_preflight.validators.shell.literals import ShellLiteral
from gcp_preflight.validators.yaml.source import YamlDocument


@dataclass(frozen=True)
class SourceSpec:
    """One configured source. Exactly one of python/yaml/classes/shell is set."""

    name: str
    python: str = ""  # glob of files
    symbol: str = ""  # NAME or Class.attr
    yaml: str = ""  # glob of files
    select: str = ""  # YAML path selector
    classes: str = ""  # base class name
    attribute: str = ""  # with classes: the class attribute to read instead of the class name
    shell: str = ""  # glob of files
    pattern: str = ""  # regex with one group, applied to string literals
    part: str = "keys"  # dicts and YAML mappings: "keys" or "values"
    element: int | None = None  # tuple items: which element holds the name

    @property
    def kind(self) -> str:
        return next(k for k in ("python", "yaml", "classes", "shell") if getattr(self, k))

    def describe(self) -> str:
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


def python_instances(index: PythonIndex, spec: SourceSpec, label: str) -> list[Instance]:
    out = []
    for binding in index.by_symbol.get(spec.symbol, []):
        if _glob(binding.path, spec.python):
            out.append(binding_instance(index, binding, label, spec.part, spec.element))
    return out


def binding_instance(index: PythonIndex, binding: PyNameBinding, label: str, part: str = "keys",
                     element: int | None = None) -> Instance:
    resolved = Evaluator(index, part, element).value(binding)
    return Instance(label, binding.path, binding.location, resolved.items, resolved.unknowns, python=True)


def yaml_instances(documents: tuple[YamlDocument, ...], spec: SourceSpec, label: str) -> list[Instance]:
    by_path: dict[str, Instance] = {}
    for doc in documents:
        if not _glob(doc.path, spec.yaml):
            continue
        items = select(doc, spec.select, spec.part)
        if items:
            inst = by_path.setdefault(doc.path, Instance(label, doc.path, items[0].location))
            inst.items += items
    return list(by_path.values())


def class_instances(index: PythonIndex, spec: SourceSpec, label: str) -> list[Instance]:
    resolved = Resolved()
    found = index.subclasses(spec.classes)
    bases = {b.split(".")[-1] for cls in found for b in cls.bases}
    for cls in found:
        if not spec.attribute:
            resolved.items.append(NameItem(cls.name, cls.location))
            continue
        binding = index.class_attribute(cls, spec.attribute)
        if binding is None:
            continue
        own = (binding.path, binding.symbol) == (cls.path, f"{cls.name}.{spec.attribute}")
        if not own and cls.name in bases:
            continue  # an intermediate base that does not set it: its subclasses do
        value = Evaluator(index).value(binding)
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
