"""PF5xx: project-aware Python correctness, reported only when certain.

PF501-PF503 look attributes up in project classes resolved across modules
(rules/python/index.py); a class whose attributes cannot all be known (a base outside
the project, `__getattr__`, a metaclass, a class decorator, `setattr` with a computed name) is
never reported. PF504 is a per-function fact (validators/python/scopes.py).
"""

from __future__ import annotations

import difflib
import re
from typing import Iterator

from gcp_preflight.model import Diagnostic, Location, Related, Severity
from gcp_preflight.rules.python.index import (ENUM_ATTRIBUTES, OBJECT_ATTRIBUTES, TYPE_ATTRIBUTES, ClassRef, Hierarchy,
                                        PythonIndex, python_index)
from gcp_preflight.rules.base import rule
from gcp_preflight.rules.python import calls, keys, mixins
from gcp_preflight.validators.python.classes import PyAttrUse, PyClass
from gcp_preflight.validators.python.scopes import PyUnboundUse

SUGGEST_CUTOFF = 0.6
BASE_NAME = re.compile(r"^(Base|Abstract)|(Base|Mixin|Interface)$")


def _index(project) -> PythonIndex:
    return project.memo(python_index)


def _special(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _uses(project, kind: str) -> Iterator[PyAttrUse]:
    for use in project.facts(PyAttrUse):
        if use.kind == kind and not use.guarded and not _special(use.name):
            yield use


def _optional(index: PythonIndex, use: PyAttrUse) -> bool:
    """Names some code assigns from outside a class, or tests for with hasattr/getattr."""
    return use.name in index.stored or use.name in index.probed(use.path)


def suggest(name: str, attributes: dict[str, tuple[PyClass, int, str]], call: bool) -> str | None:
    """The closest attribute: one that extends the name at a `_` boundary (`save_rows` ->
    `save_rows_to_bigquery`) or that it extends (`run_dml_statement` -> `run_dml`, but not a
    one-word `run`), else the most similar, else the only one with the same first word
    (`send_report` -> `send_summary`); methods first for a call."""
    names = [n for n in attributes if not _special(n)]
    if call:
        methods = [n for n in names if attributes[n][2] == "method"]
        names = methods or names
    extended = sorted((n for n in names if n.startswith(name + "_")
                       or ("_" in n.strip("_") and name.startswith(n + "_"))),
                      key=lambda n: (abs(len(n) - len(name)), n))
    if extended:
        return extended[0]
    close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=SUGGEST_CUTOFF)
    if close:
        return close[0]
    verb = name.split("_")[0] + "_" if "_" in name.strip("_") else None  # send_report -> send_summary
    same_verb = [n for n in names if verb and n.startswith(verb)]
    return same_verb[0] if len(same_verb) == 1 else None


def _hint(name: str | None) -> str:
    return f"; did you mean `{name}`?" if name else ""


def _related(hierarchy: Hierarchy, hint: str | None) -> tuple[Related, ...]:
    if hint is not None:
        cls, line, _ = hierarchy.attributes()[hint]
        return (Related(Location(cls.path, line), f"`{hint}` is defined here, in {cls.name}"),)
    cls = hierarchy.classes[0]
    return (Related(cls.location, f"class {cls.name} is defined here"),)


def _raises(use: PyAttrUse) -> str:
    return "this call raises AttributeError" if use.call else "reading it raises AttributeError"


def _shown(use: PyAttrUse, receiver: str) -> str:
    return f"`{receiver}.{use.name}{'()' if use.call else ''}`"


def _class_of(index: PythonIndex, path: str, dotted: str) -> PyClass | None:
    target = index.resolve_dotted(path, dotted)
    return target.cls if isinstance(target, ClassRef) else None


@rule("PF501", "self-attribute-undefined", Severity.ERROR)
def self_attribute_undefined(project):
    """`self.name` where neither the class nor any of its bases defines `name`.

    ## What it does
    In a method, looks `self.name` up in the class and all its bases (resolved across the
    project's modules, including relative imports and the copies of `shared/` in Cloud Function
    folders): methods, properties, class attributes, and attributes assigned as `self.name = ...`
    in any method. When none defines it, reports the use, with the closest name as a suggestion.
    The instance is the method's first parameter when it is named `self` (or `cls`): a function
    of a class used as a namespace (`def find(page)`, called as `Module.find(page)`) has none.

    It says nothing when the answer is not certain: a base class from outside the project or
    one that does not resolve, `__getattr__` or `__getattribute__`, a metaclass, a class
    decorator that may replace the class, `setattr(self, <computed name>, ...)`, a name assigned
    on objects elsewhere (`obj.name = ...`) or probed with `hasattr`/`getattr(..., default)`, a
    use inside `try: ... except AttributeError`. It also stays silent when the class leaves the
    name to subclasses: it is abstract (an ABC, `@abstractmethod`, a method raising
    `NotImplementedError`), a mixin, a class that some subclass's hierarchy defines the name for,
    or a class that something unresolved may derive from.

    ## Why is this bad?
    The method raises AttributeError when it runs, typically after the rename of a base-class
    method, and only on the code path that reaches the call: a processor that loads its rows and
    then fails on `self.save_rows(...)` never publishes its completion.

    ## Example
    ```python shared/processors/base.py
    class ProcessorBase:
        def save_rows_to_bigquery(self, rows):
            return len(rows)
    ```
    ```python processors/boxscores.py
    from shared.processors.base import ProcessorBase


    class BoxscoresProcessor(ProcessorBase):
        def process(self, rows):
            return self.save_rows(rows)
    ```

    ## Fix
    Call the method the hierarchy defines.
    ```python processors/boxscores.py
    from shared.processors.base import ProcessorBase


    class BoxscoresProcessor(ProcessorBase):
        def process(self, rows):
            return self.save_rows_to_bigquery(rows)
    ```
    """
    index = _index(project)
    for use in _uses(project, "self"):
        cls = _class_of(index, use.path, use.owner)
        if cls is None or cls.path != use.path or _optional(index, use) or use.name in OBJECT_ATTRIBUTES:
            continue
        hierarchy = index.hierarchy(cls)
        if hierarchy.unknown:
            continue
        attributes = hierarchy.attributes()
        if use.name in attributes or _left_to_subclasses(index, cls, use.name):
            continue
        hint = suggest(use.name, attributes, use.call)
        bases = [c.name for c in hierarchy.classes[1:]]
        where = f"{cls.name} or its bases ({', '.join(bases)})" if bases else f"class {cls.name}"
        yield Diagnostic(use.location, f"{_shown(use, use.receiver)}: `{use.name}` is not defined by {where}, so "
                         f"{_raises(use)}{_hint(hint)}", _related(hierarchy, hint))


def _left_to_subclasses(index: PythonIndex, cls: PyClass, name: str) -> bool:
    if index.is_abstract(cls):
        return True
    subclasses, maybe = index.subclasses(cls)
    if maybe or (not subclasses and BASE_NAME.search(cls.name)):
        return True  # a base or mixin whose subclasses live outside the project
    for sub in subclasses:
        hierarchy = index.hierarchy(sub)
        if hierarchy.unknown or name in hierarchy.attributes():
            return True
    return False


@rule("PF502", "class-attribute-undefined", Severity.ERROR)
def class_attribute_undefined(project):
    """A method or attribute that a project class does not have, on an object of that class.

    ## What it does
    Reports `obj.name` where `obj`'s class is known in the same function (its only binding is
    `obj = SomeClass(...)`), and `SomeClass.name`, when `SomeClass` is a project class whose
    hierarchy (all bases resolved across modules) defines no `name`: no method, property, class
    attribute or `self.name = ...` assignment. Suggests the closest name.

    Silent whenever the class is not certain or its attributes are not all known: a local bound
    more than once or by anything but a constructor call, a base outside the project,
    `__getattr__`, `__new__`, a metaclass, a class decorator, `setattr` with a computed name, a
    name assigned on objects elsewhere or probed with `hasattr`, a use inside
    `try: ... except AttributeError`. Enum members are PF503.

    ## Why is this bad?
    The call raises AttributeError when it runs. Renames on one side (the client's
    `send_report` became `send_summary`) are caught by no test that mocks the client.

    ## Example
    ```python shared/utils/reports.py
    class ReportClient:
        def send_summary(self, text):
            return text
    ```
    ```python orchestration/main.py
    from shared.utils.reports import ReportClient


    def finish(summary):
        client = ReportClient()
        client.send_report(summary)
    ```

    ## Fix
    ```python orchestration/main.py
    from shared.utils.reports import ReportClient


    def finish(summary):
        client = ReportClient()
        client.send_summary(summary)
    ```
    """
    index = _index(project)
    for kind in ("local", "global"):
        for use in _uses(project, kind):
            cls = _class_of(index, use.path, use.owner)
            if cls is None or _optional(index, use) or use.name in OBJECT_ATTRIBUTES:
                continue
            if kind == "global" and (use.name in TYPE_ATTRIBUTES or index.hierarchy(cls, enum_ok=True).is_enum):
                continue
            hierarchy = index.hierarchy(cls)
            if hierarchy.unknown:
                continue
            attributes = hierarchy.attributes()
            if use.name in attributes or "__new__" in attributes:
                continue
            hint = suggest(use.name, attributes, use.call)
            receiver = use.receiver
            what = f"class {cls.name}" if kind == "global" else f"`{receiver}` is {_a(cls.name)}, which"
            related = _related(hierarchy, hint)
            if use.origin is not None:
                related = (Related(use.origin, f"`{receiver}` is bound to {_a(cls.name)} here"), *related)
            yield Diagnostic(use.location, f"{_shown(use, receiver)}: {what} has no attribute `{use.name}`"
                             f"{' (nor do its bases)' if len(hierarchy.classes) > 1 else ''}, so {_raises(use)}"
                             f"{_hint(hint)}", related)


def _a(name: str) -> str:
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


@rule("PF503", "enum-member-undefined", Severity.ERROR)
def enum_member_undefined(project):
    """An Enum member that the project's Enum class does not define.

    ## What it does
    Reports `Color.PURPEL` where `Color` is a project class deriving (through project classes)
    from `enum.Enum`, `IntEnum`, `StrEnum`, `Flag` or `IntFlag`, and neither its body nor a base
    defines `PURPEL`, nor is it an attribute every Enum has (`name`, `value`, `__members__`...).
    Suggests the closest member. Enums built with the functional API (`Enum("Color", ...)`), or
    with a metaclass, decorator or base the check cannot see through, are not checked.

    ## Why is this bad?
    `Color.PURPEL` raises AttributeError when the line runs; in a status check that runs once a
    day, that is a failed pipeline run rather than a failed test.

    ## Example
    ```python shared/config/status.py
    from enum import Enum


    class RunStatus(Enum):
        SUCCESS = "success"
        FAILED = "failed"
    ```
    ```python orchestration/main.py
    from shared.config.status import RunStatus


    def is_done(status):
        return status == RunStatus.SUCCEEDED
    ```

    ## Fix
    ```python orchestration/main.py
    from shared.config.status import RunStatus


    def is_done(status):
        return status == RunStatus.SUCCESS
    ```
    """
    index = _index(project)
    for use in _uses(project, "global"):
        cls = _class_of(index, use.path, use.owner)
        if cls is None or use.name.startswith("_") or use.name in ENUM_ATTRIBUTES or _optional(index, use):
            continue
        hierarchy = index.hierarchy(cls, enum_ok=True)
        if hierarchy.unknown or not hierarchy.is_enum:
            continue
        attributes = hierarchy.attributes()
        if use.name in attributes:
            continue
        members = {n: v for n, v in attributes.items() if v[2] == "attribute"}
        hint = suggest(use.name, members, False) or suggest(use.name, attributes, use.call)
        yield Diagnostic(use.location, f"`{use.owner}.{use.name}`: enum {cls.name} has no member `{use.name}`, "
                         f"so {_raises(use)}{_hint(hint)}", _related(hierarchy, hint))


@rule("PF504", "local-used-before-binding", Severity.ERROR)
def local_used_before_binding(project):
    """A function-local name used before the function binds it (UnboundLocalError).

    ## What it does
    A name that a function binds anywhere (an import inside the function, an assignment, a
    `for` or `with` target, `except ... as`, `del`) is local to the whole function. This rule
    reports a use of it that comes before every binding in the function, where no loop can have
    bound it in an earlier iteration and no `except NameError` expects the failure. The message
    notes the module-level binding the code meant to use.

    It also follows the branches of long functions: a use that comes after a binding in the text
    but that no path through a binding reaches (the import sits in an `if` branch that returns,
    the use in the code after it or in the `else`). The paths are read erring toward "bound": a
    loop, a `try` and a `with` count every name bound anywhere in them.

    ## Why is this bad?
    The use raises UnboundLocalError, even though the module imports the same name: adding
    `from datetime import datetime` late in a function breaks every `datetime.now()` above it in
    that function, and only when that function runs.

    ## Example
    ```python shared/utils/dates.py
    from datetime import datetime


    def stamp(value):
        now = datetime.now()
        if isinstance(value, str):
            from datetime import datetime
            return datetime.fromisoformat(value)
        return now
    ```

    ## Fix
    Use the module-level import (or import once, at the top of the function).
    ```python shared/utils/dates.py
    from datetime import datetime


    def stamp(value):
        now = datetime.now()
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        return now
    ```
    """
    for use in project.facts(PyUnboundUse):
        outer = f"; the module-level `{use.name}` (line {use.outer.line}) is not used here" if use.outer else ""
        related = [Related(use.binding, f"this {use.binding_kind} makes `{use.name}` local to {use.function}()")]
        if use.outer is not None:
            related.append(Related(use.outer, f"the module-level `{use.name}`"))
        if use.branch:
            text = (f"`{use.name}` is not bound on any path that reaches this line in {use.function}(): the "
                    f"{use.binding_kind} on line {use.binding.line} runs only on another branch, yet makes it local "
                    f"to the whole function, so this raises UnboundLocalError{outer}")
        else:
            text = (f"`{use.name}` is used before it is bound in {use.function}(): the {use.binding_kind} on line "
                    f"{use.binding.line} makes it local to the whole function, so this raises UnboundLocalError{outer}")
        yield Diagnostic(use.location, text, tuple(related),
                         key=f"{use.function}\0{use.name}\0{use.binding_kind}")  # the message names lines


RULES = (self_attribute_undefined, class_attribute_undefined, enum_member_undefined, local_used_before_binding,
         *calls.RULES, *keys.RULES, *mixins.RULES)
