"""The names analysis: sources matched, contracts checked, once per run for all PF1xx rules.

`analyse(project)` returns (code, Diagnostic) pairs; each rule in rules/names/rules.py picks its code.
Doing it in one pass lets the rules agree: a name explained by a lookalike (PF105) is not also
reported as undeclared (PF101), and identical copies of a file are reported once.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from gcp_preflight import ignore_patterns
from gcp_preflight.model import Diagnostic, Fix, Location, Related, TextEdit
from gcp_preflight.rules.names import auto
from gcp_preflight.rules.names.copies import collapse_copies
from gcp_preflight.rules.names.matching import (describe_character, lookalike_of, odd_characters, skeleton, suggest,
                                                 suggestions)
from gcp_preflight.rules.names.options import NamesOptions, parse_options
from gcp_preflight.rules.names.routes import check_routes, normalized
from gcp_preflight.rules.names.resolve import NameItem, PythonIndex, _shared_prefix
from gcp_preflight.rules.names.sources import (Instance, SourceSpec, call_instances, class_instances,
                                               python_instances, shell_instances, yaml_instances)
from gcp_preflight.rules.python.index import python_index as project_index
from gcp_preflight.validators.python.classes import PyClass
from gcp_preflight.validators.names.python import PyCallArgs, PyImportName, PyLocalBinding, PyNameBinding
from gcp_preflight.validators.shell.commands import ShellCallArgs
from gcp_preflight.validators.shell.literals import ShellLiteral
from gcp_preflight.project import read_source
from gcp_preflight.validators.yaml.source import YamlDocument, json_document

Found = tuple[str, Diagnostic]


@dataclass
class Check:
    kind: str
    source: list[Instance]
    target: list[Instance]
    target_phrase: str  # "in declared (...)" / "declared by any processor_name in ..."
    target_label: str
    target_where: str  # related-location text when no close name can be suggested
    separator: str = "/"  # prefix contracts
    ignored: frozenset[str] = frozenset()  # names the contract leaves alone, each with a reason
    match: str = "prefix"  # routes contracts
    placeholders: bool = False  # routes: `{}` in a route matches any text


def python_index(project) -> PythonIndex:
    return PythonIndex(project.facts(PyNameBinding), project.facts(PyClass), project.facts(PyImportName),
                       project.memo(project_index), lambda path: project.facts_in(path, PyLocalBinding),
                       lambda: project.facts(PyLocalBinding))


def names_options(project) -> NamesOptions:
    return parse_options(project.config.section("names"))


def instances(project, spec: SourceSpec, allowed: set[str] | None = None, keys: set[str] | None = None) -> list[Instance]:
    """The instances of a source; with `allowed` (its `where.in` source's names) only the names,
    or for classes the classes, that are also there; with `keys` (`where.key_in`) only a dict's
    entries whose key is there."""
    index = project.memo(python_index)
    kind = spec.kind
    if kind == "classes":
        return class_instances(index, spec, spec.name, allowed)
    if kind == "call":
        found = call_instances(project.facts(PyCallArgs), project.facts(ShellCallArgs), spec, spec.name)
    elif kind == "python":
        found = python_instances(index, spec, spec.name, keys)
    elif kind == "yaml":
        found = yaml_instances(project.facts(YamlDocument) + json_documents(project, spec.yaml), spec, spec.name)
    else:
        found = shell_instances(project.facts(ShellLiteral), spec, spec.name)
    if allowed is not None:
        for inst in found:
            inst.items = [i for i in inst.items if i.text in allowed]
    return found


def json_documents(project, pattern: str) -> tuple[YamlDocument, ...]:
    """JSON files a yaml source's glob names, read and parsed now: JSON files are not read by
    default (a repository holds many large ones), only those a source asks for."""
    out = []
    for path in project.paths:
        if path.endswith(".json") and ignore_patterns.matches(pattern, path):
            document = project.memo(_json_reader)[path]
            if document is not None:
                out.append(document)
    return tuple(out)


class _JsonReader(dict):
    """Parsed JSON documents by path, for one run; a file that does not parse is reported once."""

    def __init__(self, project):
        super().__init__()
        self.project = project
        self.problems: list[Found] = []

    def __missing__(self, path: str) -> YamlDocument | None:
        read = read_source(self.project.root, path)
        document, error = json_document(path, read.text) if read.text is not None else (None, None)
        if error is not None:
            line, column, why = error
            self.problems.append(("PF107", Diagnostic(Location(path, line, column),
                                  f"not statically known: {path} is not valid JSON ({why}); its names are not read")))
        self[path] = document
        return document


def _json_reader(project) -> _JsonReader:
    return _JsonReader(project)


def _nothing_matched(project, spec: SourceSpec) -> str:
    if spec.call:
        return f"no call of {spec.call} in files matching {spec.python or spec.shell or '**'} passes a literal " \
               f"{spec.describe().split(' of ')[0]}"
    if spec.python:
        return f"no {spec.symbol} is assigned in a file matching {spec.python}"
    if spec.yaml:
        return f"{spec.select} selects nothing in files matching {spec.yaml}"
    if spec.classes:
        found = len(project.memo(python_index).subclasses(spec.classes))
        if found and spec.attribute:
            return f"none of the {found} subclasses of {spec.classes} sets {spec.attribute} to a name"
        return f"no class derives from {spec.classes}"
    return f"no string literal in files matching {spec.shell} matches /{spec.pattern}/"


def checks(project, options: NamesOptions, out: list[Found]) -> list[Check]:
    config_at = Location(project.config.path or "", 1, 1)
    for text in options.problems:
        out.append(("PF108", Diagnostic(config_at, text)))
    found: list[Check] = []
    if options.auto_active:
        declared = auto.declared_instances(project.facts(YamlDocument))
        names = set().union(*(d.texts for d in declared)) if declared else set()
        label = auto.declared_label(declared)
        for candidate in auto.candidate_instances(project.memo(python_index), names):
            found.append(Check("subset", [candidate], declared, f"declared by {label}", auto.DECLARING_KEY,
                               f"{auto.DECLARING_KEY} values are declared here"))
    matched: dict[str, list[Instance]] = {}
    for name in options.sources:
        _match(project, options, name, matched, config_at, out, ())
    for contract in options.contracts:
        phrase = " or ".join(f"{t} ({options.sources[t].describe()})" for t in contract.targets)
        targets = [inst for t in contract.targets for inst in matched[t]]
        if not targets or not matched[contract.source]:
            continue  # PF108 said that a side matched nothing: no name is compared with an empty list
        sources = matched[contract.source]
        normalize = contract.normalize
        if normalize is not None:
            sources, targets = normalized(sources, normalize), normalized(targets, normalize)
        found.append(Check(contract.kind, sources, targets, f"in {phrase}", contract.target,
                           f"the names of source '{contract.target}' are read from here", contract.separator,
                           contract.ignored, contract.match, bool(normalize and normalize.placeholders)))
    return found


def _match(project, options: NamesOptions, name: str, matched: dict, config_at: Location, out: list[Found],
           stack: tuple[str, ...]) -> list[Instance]:
    """A source's instances, after the source its `where.in` names (each source once)."""
    if name in matched:
        return matched[name]
    spec = options.sources.get(name)
    if spec is None or name in stack:  # invalid (PF108 already) or `where.in` going round
        if spec is not None:
            out.append(("PF108", Diagnostic(config_at, f"names.sources.{name}.where.in: the sources' where.in "
                                                       f"go round ({' -> '.join(stack + (name,))})")))
        matched[name] = []
        return []
    allowed = keys = None
    if spec.where_in:
        allowed = {i.text for other in spec.where_in for inst in
                   _match(project, options, other, matched, config_at, out, stack + (name,)) for i in inst.items}
    if spec.where_key_in:
        keys = {i.text for other in spec.where_key_in for inst in
                _match(project, options, other, matched, config_at, out, stack + (name,)) for i in inst.items}
    matched[name] = instances(project, spec, allowed, keys)
    used = {name for c in options.contracts for name in (c.source, *c.targets)}
    if not matched[name] and name in used:
        out.append(("PF108", Diagnostic(config_at, f"names.sources.{name}: {_nothing_matched(project, spec)}")))
    return matched[name]


def known(inst: Instance) -> bool:
    """Whether an instance has names to compare: one that could not be read at all (PF107 says
    why) is never compared as if it were empty."""
    return bool(inst.items) or not inst.unknowns


def counterpart(a: Instance, targets: list[Instance], pairwise: bool) -> list[Instance]:
    """What `a` is compared with: target instances in its own file; else, for a registry, all
    of them; for a mirrored list (equal, disjoint), the nearest copy. Empty when there is
    nothing known to compare with."""
    targets = [t for t in targets if known(t)]
    same = [t for t in targets if t.path is not None and t.path == a.path and t is not a]
    if same:
        return same
    others = [t for t in targets if t is not a]
    if not pairwise or not others:
        return others
    return [min(others, key=lambda t: (-_shared_prefix(t.path or "", a.path or ""), (t.path or "").count("/"),
                                       t.path or ""))]


def _first_by_text(instances: list[Instance]) -> dict[str, NameItem]:
    first: dict[str, NameItem] = {}
    for inst in instances:
        for item in inst.items:
            first.setdefault(item.text, item)
    return first


def replace_fix(project, item: NameItem, new: str) -> Fix | None:
    """Replace the name where it is written, if it is written there plainly (quoted or not)."""
    loc = item.location
    line = project.line(loc.path, loc.line)
    for start in (loc.column - 1, loc.column):
        if line[start:start + len(item.text)] == item.text:
            edit = TextEdit(loc.path, loc.line, start + 1, loc.line, start + 1 + len(item.text), new)
            return Fix(f"replace '{item.text}' with '{new}'", (edit,))
    return None


def _lookalike_message(name: str, other: str) -> str:
    odd = odd_characters(name)
    if odd:
        index, ch = odd[0]
        how = f"lookalike characters ({describe_character(ch)} at position {index + 1})"
    elif name.casefold() == other.casefold():
        how = "case"
    elif skeleton(name) == skeleton(other) and name.lower() != other.lower() and \
            "".join(c for c in name if c.isalnum()) == "".join(c for c in other if c.isalnum()):
        how = "separators"
    else:
        how = "case and separators"
    return f"differs from '{other}' only by {how}"


def check_subset(project, check: Check, out: list[Found], keys_cover: bool = False) -> None:
    for a in check.source:
        targets = counterpart(a, check.target, pairwise=False)
        if not targets:
            continue
        declared = _first_by_text(targets)
        skeletons = {skeleton(t): t for t in declared}
        for item in a.items:
            if item.text in declared or item.text in check.ignored or (keys_cover and item.text in a.intermediate):
                continue
            other = lookalike_of(item.text, skeletons)
            if other is not None:
                related = (Related(declared[other].location, f"'{other}' is declared here"),)
                message = f"'{item.text}' in {a.label} {_lookalike_message(item.text, other)}, {check.target_phrase}"
                out.append(("PF105", Diagnostic(item.location, message, related, replace_fix(project, item, other),
                                                inputs=declaring_files(targets))))
                continue
            hints = suggestions(item.text, sorted(declared))
            if keys_cover:
                message = f"'{item.text}' ({a.label}) has no entry {check.target_phrase}"
            else:
                message = f"'{item.text}' in {a.label} is not {check.target_phrase}"
            out.append(("PF103" if keys_cover else "PF101",
                        _missing(check, item, message, targets, declared, hints, " or ".join(f"'{h}'" for h in hints))))


def _missing(check: Check, item: NameItem, message: str, targets: list[Instance], declared: dict[str, NameItem],
             hints: list[str], hint_text: str) -> Diagnostic:
    """A name the target lacks: with the did-you-mean (every candidate that ties) and their
    places, else where the target is."""
    if hints:
        message += f"; did you mean {hint_text}?"
        related = tuple(Related(declared[h].location, f"'{h}' is declared here") for h in hints)
    else:  # callers compare only against targets that have a place
        related = (Related(targets[0].location, check.target_where),)
    return Diagnostic(item.location, message, related, inputs=declaring_files(targets))


def declaring_files(targets: list[Instance]) -> tuple[str, ...]:
    """Every file that declares the names a finding compares against: renaming a name there
    makes the finding, so a commit touching only that file must report it."""
    return tuple(sorted({t.path for t in targets if t.path} | {i.location.path for t in targets for i in t.items}))


def _prefix_hint(name: str, prefixes: list[str], separator: str) -> str | None:
    """The prefix the name's leading part was probably meant to be: its first segments compared
    with prefixes of as many segments."""
    by_depth: dict[int, list[str]] = {}
    for prefix in prefixes:
        by_depth.setdefault(len(prefix.split(separator)) if separator else len(prefix), []).append(prefix)
    hints = []
    for depth, group in by_depth.items():
        lead = separator.join(name.split(separator)[:depth]) if separator else name[:depth]
        hint = suggest(lead, sorted(group))
        if hint is not None:
            hints.append((difflib.SequenceMatcher(None, lead, hint).ratio(), hint))
    return max(hints)[1] if hints else None


def check_prefix(check: Check, out: list[Found]) -> None:
    sep = check.separator
    for a in check.source:
        targets = counterpart(a, check.target, pairwise=False)
        if not targets:
            continue
        declared = _first_by_text(targets)
        prefixes = sorted(p for p in declared if p)
        for item in a.items:
            if item.text in check.ignored or any(item.text.startswith(p + sep) for p in prefixes):
                continue
            followed = f" followed by '{sep}'" if sep else ""
            message = f"'{item.text}' in {a.label} starts with no prefix {check.target_phrase}{followed}"
            hint = _prefix_hint(item.text, prefixes, sep)
            out.append(("PF109", _missing(check, item, message, targets, declared, [hint] if hint else [],
                                          f"the prefix '{hint}'")))


def check_equal(check: Check, out: list[Found]) -> None:
    for a in check.source:
        if not known(a):
            continue
        for b in counterpart(a, check.target, pairwise=True):
            missing = sorted(b.texts - a.texts - check.ignored)
            extra = sorted(a.texts - b.texts - check.ignored)
            if not missing and not extra:
                continue
            parts = []
            if missing:
                parts.append(f"{a.label} lacks " + ", ".join(f"'{n}'" for n in missing))
            if extra:
                parts.append(f"{b.label} ({b.path}) lacks " + ", ".join(f"'{n}'" for n in extra))
            first_b, first_a = _first_by_text([b]), _first_by_text([a])
            related = tuple(Related(first_b[n].location, f"'{n}' is in {b.label}") for n in missing) + \
                tuple(Related(first_a[n].location, f"'{n}' is only in {a.label}") for n in extra)
            message = f"{a.label} must hold the same names as {b.label}: " + "; ".join(parts)
            out.append(("PF102", Diagnostic(a.location, message, related, inputs=declaring_files([b]))))


def check_disjoint(check: Check, out: list[Found]) -> None:
    for a in check.source:
        other = _first_by_text(counterpart(a, check.target, pairwise=True))
        for item in a.items:
            if item.text in other and item.text not in check.ignored:
                out.append(("PF106", Diagnostic(item.location, f"'{item.text}' is in both {a.label} and {check.target_label}",
                                                (Related(other[item.text].location, f"'{item.text}' in {check.target_label}"),))))


def within_lists(instances: list[Instance], out: list[Found]) -> None:
    """Duplicates (PF104), odd characters (PF105) and unknown parts (PF107) of every used list."""
    for inst in instances:
        seen: dict[tuple, NameItem] = {}
        for item in inst.items:
            if inst.python and item.group is not None:
                first = seen.setdefault((item.group, item.text), item)
                if first is not item:
                    out.append(("PF104", Diagnostic(item.location,
                                f"'{item.text}' is listed twice in {inst.label} (first at line {first.location.line})",
                                (Related(first.location, "first listed here"),),
                                key=f"duplicate\0{inst.label}\0{item.text}")))
            odd = odd_characters(item.text)
            if odd:
                index, ch = odd[0]
                out.append(("PF105", Diagnostic(item.location,
                            f"'{item.text}' in {inst.label} contains {describe_character(ch)} at position {index + 1}: "
                            "it reads like another name but is not equal to it")))
        for unknown in inst.unknowns:
            out.append(("PF107", Diagnostic(unknown.location,
                        f"not statically known: {unknown.reason}; names from here in {inst.label} are not checked")))


def _dedupe(found: list[Found]) -> list[Found]:
    """One finding per place and code: a list used by two contracts is still reported once, and a
    PF105 that names the declared lookalike wins over the plain one."""
    by_place: dict[tuple, Found] = {}
    for code, diag in found:
        key = (code, diag.location.path, diag.location.line, diag.location.column)
        if code != "PF105":
            key += (diag.message,)
        if key not in by_place or (code == "PF105" and diag.related and not by_place[key][1].related):
            by_place[key] = (code, diag)
    return list(by_place.values())


def analyse(project) -> tuple[Found, ...]:
    out: list[Found] = []
    options = project.memo(names_options)
    used: dict[int, Instance] = {}
    for check in checks(project, options, out):
        for inst in check.source + check.target:
            used[id(inst)] = inst
        if check.kind in ("subset", "keys-cover"):
            check_subset(project, check, out, keys_cover=check.kind == "keys-cover")
        elif check.kind == "equal":
            check_equal(check, out)
        elif check.kind == "prefix":
            check_prefix(check, out)
        elif check.kind == "routes":
            check_routes(check, check.match, check.placeholders, out, dead=False)
        elif check.kind == "dead-routes":
            check_routes(check, check.match, check.placeholders, out, dead=True)
        else:
            check_disjoint(check, out)
    within_lists(list(used.values()), out)
    out += project.memo(_json_reader).problems
    return tuple(collapse_copies(project, _dedupe(out)))
