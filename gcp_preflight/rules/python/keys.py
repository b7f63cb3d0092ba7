"""PF522: a KeyError certain at import time, from a literal dict that lacks the key."""

from __future__ import annotations

import difflib
from collections import defaultdict

from gcp_preflight.model import Diagnostic, Related, Severity
from gcp_preflight.rules.base import rule
from gcp_preflight.rules.python.callables import Callables, callables
from gcp_preflight.rules.python.index import ClassRef, ModuleRef
from gcp_preflight.validators.python.calls import NOT_LITERAL, PyCallSite
from gcp_preflight.validators.python.classes import PyClass
from gcp_preflight.validators.python.lookups import (
    KEY_ERROR_CATCHERS,
    SELF,
    PyDictMutations,
    PyKeyLookup,
    PyLiteralDict,
)


class _Dicts:
    def __init__(self, project, calls: Callables):
        self.calls = calls
        self.index = calls.index
        self.by_key = {(d.path, d.owner, d.name): d for d in project.facts(PyLiteralDict)}
        self.mutated = frozenset(n for m in project.facts(PyDictMutations) for n in m.names)

    def resolve(self, lookup: PyKeyLookup, cls: PyClass | None) -> PyLiteralDict | None:
        """The literal dict `lookup.ref` names; `cls`: the class `cls.`/`self.` stand for."""
        parts = lookup.ref.split(".")
        if parts[-1] in self.mutated or len(parts) > 2:
            return None
        if len(parts) == 1:
            if lookup.kind == "import" and lookup.owner:  # a class body sees its own names first
                own = self.by_key.get((lookup.path, lookup.owner, parts[0]))
                if own is not None:
                    return own
            return self._module_dict(lookup.path, parts[0])
        head, name = parts
        if head == SELF:
            return self._class_dict(cls, name) if cls is not None else None
        target = self.index.resolve_dotted(lookup.path, head)
        if isinstance(target, ClassRef):
            return self._class_dict(target.cls, name)
        if isinstance(target, ModuleRef) and not target.namespace:
            return self._module_dict(target.path, name)
        return None

    def _module_dict(self, path: str, name: str) -> PyLiteralDict | None:
        found = self.calls.binding(path, name)
        return self.by_key.get((found[0], "", found[1])) if found and found[2] == "other" else None

    def _class_dict(self, cls: PyClass, name: str) -> PyLiteralDict | None:
        hierarchy = self.index.hierarchy(cls)
        if hierarchy.unknown:
            return None
        for owner in hierarchy.classes:
            if any(a == name for a, _ in owner.attributes):
                return None
            if any(m[0] == name for m in owner.members):
                return self.by_key.get((owner.path, owner.name, name))
        return None


def _missing(d: PyLiteralDict, key: str) -> str:
    close = difflib.get_close_matches(key, d.keys, n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


@rule("PF522", "import-time-key-error", Severity.ERROR)
def import_time_key_error(project):
    """A literal dict read at import time with a key it does not have (KeyError on import).

    ## What it does
    Finds dicts written as literals with string keys, bound once at module level or in a class
    body and changed nowhere in the project (no `d[k] = ...`, `del d[k]`, `update`,
    `setdefault`, `pop`...). Reports a lookup `d["key"]` with a key the dict lacks when it runs
    at import time: at module level, in a class body, or in a function called there with a
    literal argument that the function uses as the key (`PATH = Builder.get_path(KEY)` in a
    class body, where `get_path` returns `TEMPLATES[key]`).

    Silent when the lookup is inside `try: ... except KeyError` (or `LookupError`, `Exception`),
    when the function tests membership (`if key in TEMPLATES`) anywhere, when the dict is
    bound more than once, has a computed key or `**` entry, or is changed anywhere.

    ## Why is this bad?
    The module cannot be imported: every Cloud Function or service that imports it fails at cold
    start, before any handler runs, and the log shows only a KeyError.

    ## Example
    ```python shared/config/paths.py
    TEMPLATES = {"boxscores": "raw/boxscores/{date}", "injuries": "raw/injuries/{date}"}


    def get_path(key):
        return TEMPLATES[key]


    class OddsPaths:
        PATH = get_path("odds")
    ```

    ## Fix
    Add the key (or look up one the dict has).
    ```python shared/config/paths.py
    TEMPLATES = {"boxscores": "raw/boxscores/{date}", "injuries": "raw/injuries/{date}",
                 "odds": "raw/odds/{date}"}


    def get_path(key):
        return TEMPLATES[key]


    class OddsPaths:
        PATH = get_path("odds")
    ```
    """
    calls = project.memo(callables)
    dicts = _Dicts(project, calls)
    in_functions: dict[tuple[str, str], list[PyKeyLookup]] = defaultdict(list)
    for lookup in project.facts(PyKeyLookup):
        if lookup.guarded:
            continue
        if lookup.kind == "import":
            cls = calls.index.classes.get((lookup.path, lookup.owner)) if lookup.owner else None
            found = dicts.resolve(lookup, cls)
            if found is not None and lookup.key not in found.keys:
                yield Diagnostic(lookup.location, f"`{lookup.ref}[{lookup.key!r}]` runs at import time and "
                                 f"{found.name} has no key {lookup.key!r}, so importing this module raises KeyError"
                                 f"{_missing(found, lookup.key)}", (_defined(found),))
        else:
            in_functions[(lookup.path, lookup.function)].append(lookup)
    for site in project.facts(PyCallSite):
        if not site.import_time or site.star or KEY_ERROR_CATCHERS & set(site.catches):
            continue
        callee = calls.callee(site)
        if callee is None or callee.signature is None or callee.signature.name == "__init__":
            continue
        sig = callee.signature
        qual = f"{sig.owner}.{sig.name}" if sig.owner else sig.name
        for lookup in in_functions.get((sig.path, qual), []):
            key = lookup.key
            if lookup.kind == "param":
                at = lookup.param - callee.bound
                key = site.literals[at] if 0 <= at < len(site.literals) else NOT_LITERAL
                if key == NOT_LITERAL:
                    continue
            owner = callee.cls or (calls.index.classes.get((sig.path, sig.owner)) if sig.owner else None)
            found = dicts.resolve(lookup, owner)
            if found is None or key in found.keys:
                continue
            shown = f"{site.receiver}.{site.name}" if site.name else site.owner
            given = f" with {key!r} as `{lookup.key}`" if lookup.kind == "param" else ""
            yield Diagnostic(site.location, f"`{shown}()` runs at import time{given}, and {qual}() looks {key!r} up "
                             f"in {found.name}, which has no such key, so importing this module raises KeyError"
                             f"{_missing(found, key)}",
                             (Related(lookup.location, f"{qual}() reads {found.name}[...] here"), _defined(found)))


def _defined(d: PyLiteralDict) -> Related:
    return Related(d.location, f"{d.name} is defined here")


RULES = (import_time_key_error,)
