"""The evidence `preflight init` proposes name contracts from: which name sets the repository
holds, and which relations between them its contents already show.

Declared sets (what names are checked against), in order of preference: `processor_name` values
in YAML, keys of registries (module-level dicts), subclasses of a project base class, and a
string attribute those subclasses set. Used sets: lists, tuples, sets and dataclass fields,
dict keys and values (each element of tuple values), the values of a JSON key in shell
string literals (`'{"scraper": "nbac_schedule"}'`), and the literals a callable or a shell
command is given at one argument position (`self._enqueue("BQWaiter")`, `create_job x`).

A contract is proposed only on evidence: a used set whose names are mostly (MAJORITY) in a
declared set is a subset of it (the misspelt minority is what the contract will catch); a list
in a main.py or in a module importing another list's module that mostly equals it (COPY) is
its copy; a required list beside an expected one of the same owner is within it, and disjoint
from the optional one; class attributes holding paths that mostly start with a registry's keys
and `/` are routed by those prefixes (PF109).
Test files are never sources.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain

from gcp_preflight.rules.names import auto
from gcp_preflight.rules.names.matching import Kind, is_slip
from gcp_preflight.rules.names.namesets import NameSet, call_sets, class_sets, glob_for, python_sets, shell_sets
from gcp_preflight.rules.names.resolve import PythonIndex
from gcp_preflight.validators.shell.literals import ShellLiteral
from gcp_preflight.validators.yaml.source import YamlDocument

MAJORITY = 0.5  # more than this share of a used set's names must be in the declared set
COPY = 0.6  # Jaccard similarity above which a list in another module is taken for a copy
KEYS_COVER = 0.9  # share of a base's classes a map must already cover to propose keys-cover
MIN_SHARED = 2  # names that must match (fewer only when the used set is that small)
# Preference among declared sets that explain a used set equally well.
RANK = {"yaml": 0, "registry": 1, "classes": 2, "attribute": 3}


@dataclass
class Proposal:
    sets: list[NameSet] = field(default_factory=list)
    contracts: list[tuple[str, NameSet, NameSet, str]] = field(default_factory=list)  # kind, source, target, why
    # Partial subsets with too little evidence (outliers of another kind, or no tie between the
    # two sets): written commented out, with why not (kind, source, target, why, why not).
    tentative: list[tuple[str, NameSet, NameSet, str, str]] = field(default_factory=list)


# -- relations --------------------------------------------------------------------------------------
def _matched(used: set[str], declared: set[str]) -> int:
    """Names of `used` in `declared`, exactly: lookalikes are what the contract reports, not
    evidence for it (`a_scraper` and `AScraper` read alike but are different kinds of name)."""
    return len(used & declared)


def _mostly(matched: int, total: int) -> bool:
    return total > 0 and matched / total > MAJORITY and matched >= min(MIN_SHARED, total)


def _holding(targets: list[NameSet]) -> dict[str, list[int]]:
    """text -> indexes of the targets that hold it: a target sharing no name with a set is never
    its best (`_mostly` wants at least one), so only those sharing one are scored."""
    out: dict[str, list[int]] = {}
    for i, t in enumerate(targets):
        for text in t.texts:
            out.setdefault(text, []).append(i)
    return out


def _best_target(used: NameSet, targets: list[NameSet], holding: dict[str, list[int]]) -> tuple[NameSet, int] | None:
    best = None
    # how many of the used names each target holds (_matched), counted from the targets that
    # hold each name; in target order, so ties go to the first
    shared = Counter(chain.from_iterable(holding.get(text, ()) for text in used.texts))
    for i in sorted(shared):
        t = targets[i]
        if t.binding is not None and t.binding == used.binding:
            continue  # a dict's values are not checked against its own keys
        if used.kind == "registry" and t.kind == "registry":
            continue  # registries declare their keys: one is not the subset of another
        matched = shared[i]
        if not _mostly(matched, len(used.texts)):
            continue
        score = (matched / len(used.texts), -RANK[t.kind], len(t.texts))
        if best is None or score > best[0]:
            best = (score, t, matched)
    return (best[1], best[2]) if best else None


def _imports_module_of(index: PythonIndex, imports: dict[str, list], path: str, other_paths: tuple[str, ...]) -> bool:
    modules = {p[:-3] for p in other_paths}
    for imp in imports.get(path, ()):
        found = index.find_module(imp.module, imp.exact, path)
        if found and found[:-3] in modules:
            return True
    return False


def _imports_by_module(index: PythonIndex) -> dict[str, list]:
    """Each importing module's imports, grouped once (not searched among all for every pair)."""
    out: dict[str, list] = {}
    for (importer, _), imp in index.imports.items():
        out.setdefault(importer, []).append(imp)
    return out


def _copies(index: PythonIndex, imports: dict[str, list], lists: list[NameSet]) -> dict[str, NameSet]:
    """A list in a main.py, or in a module importing the other list's module, that mostly equals
    a list of another module: key of the copy -> the original."""
    out = {}
    for a in lists:
        scored = []
        for b in lists:
            if b is a or set(a.paths) & set(b.paths):
                continue
            shared = len(a.texts & b.texts)
            jaccard = shared / len(a.texts | b.texts)
            if jaccard > COPY and shared >= MIN_SHARED and (
                    posixpath.basename(a.paths[0]) == "main.py" or _imports_module_of(index, imports, a.paths[0], b.paths)) \
                    and posixpath.basename(b.paths[0]) != "main.py":
                scored.append((jaccard, b.key, b))
        if scored:
            out[a.key] = max(scored)[2]
    return out


def _sibling(a: NameSet, lists: list[NameSet], word: str, into: str) -> NameSet | None:
    """The list of a's owner named as a is, with `word` replaced by `into`."""
    last = str(a.spec.get("symbol", "")).rpartition(".")[2].lower()
    if word not in last:
        return None
    return next((b for b in lists if b is not a and b.owner == a.owner and
                 str(b.spec["symbol"]).rpartition(".")[2].lower() == last.replace(word, into)), None)


def _unlike(missing: set[str], kind: Kind) -> tuple[str, ...]:
    """The names outside the target that are not of its kind (matching.Kind). A partial
    overlap is evidence for a subset contract only when what it would report reads as a slip or
    a name of the same family declared nowhere (`p2_standings` beside `p2_*` processors); names
    unlike every target name are more likely another kind of name (team codes beside field
    names), and enforcing the contract would report each of them."""
    return tuple(sorted(n for n in missing if not kind.holds(n)))


def _target_paths(index: PythonIndex, target: NameSet) -> tuple[str, ...]:
    if target.kind in ("classes", "attribute"):
        found = index.classes_by_name.get(target.base, ())
        return tuple(sorted({c.path for c in found} | {c.path for c in index.subclasses(target.base)}))
    return target.paths


def _linked(index: PythonIndex, imports: dict[str, list], used: NameSet, target: NameSet) -> bool:
    """Whether the code ties `used` to `target`, so that a name of one missing from the other
    is likely a mistake rather than two lists that merely share names: the target is the YAML
    processor declarations (the contract this tool exists for) or a base's subclasses (class
    names are nobody's coincidence); shell payloads and arguments name a registry's keys; or
    the used set's module is the target's or imports it. Lists in unrelated tools (a pre-commit
    hook's table list beside a processor attribute) agree by coincidence: nba gave ~60 false
    PF101 from such pairs."""
    if target.kind in ("yaml", "classes"):
        return True
    if used.kind == "shell" or "shell" in used.spec:
        # a scheduler payload or a command's argument names an entry by its key
        return target.kind == "registry"
    paths = _target_paths(index, target)
    if set(used.paths) & set(paths):
        return True
    return any(_imports_module_of(index, imports, path, paths) for path in used.paths)


def _slips(missing: set[str], declared: set[str]) -> bool:
    """Every name the contract would report is a misspelling of a target name: evidence enough
    even where no import ties the two sets."""
    ordered = sorted(declared)
    return all(is_slip(n, ordered) for n in missing)


def _shown(names) -> str:
    names = list(names)
    return ", ".join(f"'{n}'" for n in names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _fraction(n: int, total: int) -> str:
    if n == total:
        return {1: "the one", 2: "both"}.get(n, f"all {n}")
    return f"{n} of {total}"


def infer(index: PythonIndex, documents: tuple[YamlDocument, ...], literals: tuple[ShellLiteral, ...],
          calls: tuple = (), commands: tuple = ()) -> Proposal:
    taken: set[str] = set()

    def unique(key: str) -> str:
        name, n = key, 2
        while name in taken:
            name, n = f"{key}_{n}", n + 1
        taken.add(name)
        return name

    declared_yaml = auto.declared_instances(documents)
    sets: list[NameSet] = []
    if declared_yaml:
        paths = sorted({d.path for d in declared_yaml if d.path})
        sets.append(NameSet(unique("declared"), {"yaml": glob_for(paths), "select": auto.DECLARED_SELECTOR},
                            set().union(*(d.texts for d in declared_yaml)), "yaml",
                            f"{auto.DECLARING_KEY} values in {', '.join(paths)}", tuple(paths)))
    sets += python_sets(index, unique) + class_sets(index, unique) + shell_sets(literals, unique)
    sets += call_sets(calls, commands, unique)
    lists = [s for s in sets if s.kind == "list"]
    targets = [s for s in sets if s.kind in RANK]
    proposal = Proposal()

    def add(kind: str, source: NameSet, target: NameSet, why: str) -> None:
        proposal.contracts.append((kind, source, target, why))

    derived: set[str] = set()
    for a in lists:
        expected = _sibling(a, lists, "required", "expected")
        if expected is not None:
            add("subset", a, expected, f"required names are expected ones ({a.spec['symbol']} within {expected.spec['symbol']})")
            derived.add(a.key)
        optional = _sibling(a, lists, "required", "optional")
        if optional is not None:
            add("disjoint", a, optional, "a name is required or optional, not both")
    imports = _imports_by_module(index)
    for key, original in _copies(index, imports, lists).items():
        copy = next(s for s in lists if s.key == key)
        shared = len(copy.texts & original.texts)
        why = f"{copy.spec['symbol']} in {copy.paths[0]} is a copy of {original.spec['symbol']} ({shared} names in common)"
        derived.add(key)
        if copy.texts != original.texts:
            # Only a main.py's fallback copy of a list it imports is a copy whose differences are
            # mistakes: a main.py list agrees by coincidence with a module it never imports (nba:
            # required tables beside a maintenance script's names), and a list elsewhere beside the
            # import of another is as often a variant (an experiment's feature list).
            tied = _imports_module_of(index, imports, copy.paths[0], original.paths)
            if not tied or posixpath.basename(copy.paths[0]) != "main.py":
                reason = "a list beside an import may be a variant" if tied else "no import ties the two sets"
                differ = _shown(sorted(copy.texts ^ original.texts))
                proposal.tentative.append(("equal", copy, original, why, f"{differ} would be reported, and {reason}"))
                continue
        add("equal", copy, original, why)
    holding = _holding(targets)
    kinds: dict[str, Kind] = {}
    for used in sets:
        if used.kind not in ("list", "registry", "values", "shell", "calls") or used.key in derived:
            continue
        if not all(t.strip() for t in used.texts):
            continue  # a blank string is a default value (`("", "")`), not a name
        best = _best_target(used, targets, holding)
        if best is None:
            continue
        target, matched = best
        why = f"{_fraction(matched, len(used.texts))} {used.about} are {target.about}"
        if len(used.texts) == 1:
            why = f"the one {used.about.replace('names', 'name', 1)} is {target.about}"
        missing = used.texts - target.texts
        if target.key not in kinds:  # what a target's names share, worked out once per target
            kinds[target.key] = Kind(sorted(target.texts))
        outliers = _unlike(missing, kinds[target.key])
        if outliers:
            shown = _shown(outliers)
            proposal.tentative.append(("subset", used, target, why, f"{shown} {'resembles' if len(outliers) == 1 else 'resemble'} "
                                                                     "none of them, so they may be another kind of name"))
            continue
        if missing and not _linked(index, imports, used, target) and not _slips(missing, target.texts):
            proposal.tentative.append(("subset", used, target, why, f"{_shown(sorted(missing))} would be reported, "
                                                                     "and no import ties the two sets"))
            continue
        add("subset", used, target, why)
        if used.kind == "registry" and target.kind == "classes":
            covered = _matched(target.texts, used.texts)
            if covered / len(target.texts) >= KEYS_COVER:
                add("keys-cover", target, used, f"{_fraction(covered, len(target.texts))} {target.about} "
                                                f"have an entry in {used.spec['symbol']}")
    registries = [s for s in sets if s.kind == "registry"]
    holding_key: dict[str, list[int]] = {}  # a registry key -> the registries (by index) that hold it
    for index_of, routes in enumerate(registries):
        for text in routes.texts:
            holding_key.setdefault(text, []).append(index_of)
    for paths in (s for s in sets if s.kind == "attribute"):
        # each path's prefixes before a '/', looked up among the registries' keys (not every path
        # against every registry: both grow with the repository)
        prefixed: dict[int, int] = defaultdict(int)
        for text in paths.texts:
            for hit in {i for n, ch in enumerate(text) if ch == "/" for i in holding_key.get(text[:n], ())}:
                prefixed[hit] += 1
        for index_of in sorted(prefixed):
            routes = registries[index_of]
            if _mostly(prefixed[index_of], len(paths.texts)):
                add("prefix", paths, routes, f"{_fraction(prefixed[index_of], len(paths.texts))} {paths.about} start "
                                             f"with a key of {routes.spec['symbol']} and '/'")
    used_keys = {s.key for _, a, b, *_ in proposal.contracts + proposal.tentative for s in (a, b)}
    proposal.sets = [s for s in sets if s.key in used_keys]
    return proposal
