"""PF510, PF511: names that nothing binds (NameError), from the per-file facts of
validators/python/free_names.py, with what only the whole project knows: what a star import from
a project module binds, the builtins some module adds, and each deployment unit's runtime (a
builtin newer than the runtime, annotations deferred from Python 3.14)."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from gcp_preflight.model import Diagnostic, Related, Severity
from gcp_preflight.rules.base import rule
from gcp_preflight.rules.python.index import ModuleRef, Unknown, python_index
from gcp_preflight.validators.python.free_names import MAIN_BLOCK, PyBuiltinsWrite, PyUndefinedName

DEFERRED_ANNOTATIONS = (3, 14)


class _Runtimes:
    """The runtimes of the deployment units that import each file (asked only when a finding
    depends on the version: the packaging analysis is shared with PF2xx)."""

    def __init__(self, project):
        self.project = project
        self._by_path: dict[str, list] | None = None

    def units(self, path: str) -> list:
        if self._by_path is None:
            from gcp_preflight.rules.packaging.analysis import analyse

            self._by_path = defaultdict(list)
            for unit, closure in self.project.memo(analyse).closures:
                for reached in closure.reached:
                    node = unit.files.files.get(reached)
                    if node is not None and node.real is not None:
                        self._by_path[node.real].append(unit)
        return self._by_path.get(path, [])


def _star_may_bind(project, use: PyUndefinedName) -> bool:
    index = project.memo(python_index)
    for module, level in use.stars:
        source = index.resolve_module(module, use.path, level)
        if not isinstance(source, ModuleRef) or source.namespace:
            return True  # outside the project, or not read: it may bind anything
        found = index.resolve_name(source.path, use.name)
        if not (isinstance(found, Unknown) and found.reason.startswith("no binding")):
            return True
    return False


def _submodule(project, use: PyUndefinedName) -> bool:
    """In a package's `__init__.py`, importing a submodule (here or anywhere) binds its name."""
    if not use.path.endswith("__init__.py"):
        return False
    package = use.path[: -len("__init__.py")].rstrip("/")
    found = project.memo(python_index).module_at(f"{package}/{use.name}" if package else use.name)
    return isinstance(found, ModuleRef)


def _candidates(project, when: str) -> Iterator[tuple[PyUndefinedName, str]]:
    """The uses that stay unbound once the project is known, with what the runtime adds to the
    message ("" when nothing)."""
    written = project.facts(PyBuiltinsWrite)
    if any(w.every for w in written):
        return  # some module adds builtins under computed names
    added = {name for w in written for name in w.names}
    runtimes = _Runtimes(project)
    for use in project.facts(PyUndefinedName):
        # a use in the `__main__` block runs in the module's order, but only when the file runs
        # as a script: NameError when that line runs (PF511), not at import (PF510)
        runs = "call" if use.context == MAIN_BLOCK else use.when
        if runs != when or use.name in added or (use.stars and _star_may_bind(project, use)) \
                or _submodule(project, use):
            continue
        note = ""
        if use.since is not None:
            older = sorted({u.runtime_text for u in runtimes.units(use.path)
                            if u.runtime is not None and u.runtime < use.since})
            if not older:
                continue  # a builtin on every runtime known to run it
            note = (f"`{use.name}` is a builtin only from Python {use.since[0]}.{use.since[1]}, and "
                    f"{_listed(older)} runs it on an older runtime")
        elif use.annotation:
            units = runtimes.units(use.path)
            if units and all(u.runtime is not None and u.runtime >= DEFERRED_ANNOTATIONS for u in units):
                continue  # Python 3.14 evaluates annotations only when asked for
        yield use, note


def _listed(runtimes: list[str]) -> str:
    return ", ".join(runtimes)


def _why(use: PyUndefinedName, note: str) -> str:
    if note:
        return note
    if use.hidden_in:
        seen = "a method" if use.when == "call" else "a comprehension or lambda"
        return (f"class {use.hidden_in} binds it in its body, which {seen} nested in it does not see, and the "
                f"module does not bind it{'' if use.later is None else f' before line {use.later.line}'}")
    if use.later is not None:
        return f"the module binds it only on line {use.later.line}, after this runs"
    return "nothing in this module binds it (no import, assignment or definition) and it is not a builtin"


def _related(use: PyUndefinedName) -> tuple[Related, ...]:
    out = []
    if use.later is not None:
        out.append(Related(use.later, f"`{use.name}` is bound here, too late"))
    if use.elsewhere is not None:
        out.append(Related(use.elsewhere, f"this import binds `{use.name}` only inside {use.elsewhere_in}()"))
    return tuple(out)


def _elsewhere(use: PyUndefinedName) -> str:
    if use.elsewhere is None:
        return ""
    return (f"; the import of `{use.name}` on line {use.elsewhere.line} is local to {use.elsewhere_in}() "
            f"and binds it there alone")


@rule("PF510", "name-undefined-at-import", Severity.ERROR)
def name_undefined_at_import(project):
    """A name that nothing binds, read when the module is imported (NameError at import).

    ## What it does
    Reports a name read by code that runs when the module is imported (module-level statements
    outside the `if __name__ == "__main__":` block, which PF511 reports, class bodies,
    decorators, default values, base classes, and the annotations of functions and class or
    module variables when the module has no `from __future__ import annotations`)
    that nothing binds at that point: no import, assignment, definition or builtin, or a binding
    that comes only later in the module. Python's scoping is followed: an import inside a
    function binds only in that function, a name bound in another module is unbound here, a
    class body's names are not seen by its methods or comprehensions.

    It stays silent when the module's names cannot all be known: a star import that may bind the
    name (a project module's star import is resolved), `globals()` or `vars()` (written or
    read), `exec`, a module `__getattr__`, a `locals()` write in a class body, a builtin some
    project module adds. A use under `try: ... except NameError` (or `Exception`) or under
    `if TYPE_CHECKING:` or a branch taken by Python version or platform (`if sys.version_info[0]
    == 2:`) is not reported, nor a notebook exported as a script (`get_ipython()`, `dbutils`),
    nor an annotation when every deployment unit that imports the module runs Python 3.14
    (which defers annotations). `gettext.install()` counts as adding `_` to builtins.

    ## Why is this bad?
    The module cannot be imported: every Cloud Function or service that imports it fails at cold
    start, before any request is handled. A missing `from typing import Tuple` used only in a
    return annotation is enough.

    ## Example
    ```python shared/utils/parsing.py
    def split_pair(text) -> Tuple[str, str]:
        left, right = text.split(":", 1)
        return left, right
    ```

    ## Fix
    Import the name (or add `from __future__ import annotations`).
    ```python shared/utils/parsing.py
    from typing import Tuple


    def split_pair(text) -> Tuple[str, str]:
        left, right = text.split(":", 1)
        return left, right
    ```
    """
    for use, note in _candidates(project, "import"):
        what = "this annotation is evaluated" if use.annotation else f"{use.context} runs"
        eager = (" (annotations are evaluated when the def runs: the module has no `from __future__ import "
                 "annotations`, and runtimes before Python 3.14 do not defer them)" if use.annotation else "")
        yield Diagnostic(use.location, f"`{use.name}` is not defined when {what} at import: {_why(use, note)}, so "
                         f"importing the module raises NameError{eager}{_elsewhere(use)}", _related(use),
                         key=f"{use.name}\0{use.context}\0{use.later is not None}")


@rule("PF511", "name-undefined", Severity.ERROR)
def name_undefined(project):
    """A name that nothing binds, read in a function (NameError when the line runs).

    ## What it does
    Reports a name read in a function (or a lambda, or the `if __name__ == "__main__":` block,
    which runs only when the file is run as a script) that the function does not bind, no
    enclosing function binds, the module does not bind anywhere and that is not a builtin of the
    runtime: `firestore.Client()` in a module that never imports `firestore` (another module
    does), `get_client()` where the only import of it is local to a different function, a
    method reading a name its class body defines (methods do not see class-body names). The
    scoping is the one the deployed module has: `global` and `nonlocal` declarations,
    comprehension and class scopes, `del`, and builtins by version (`ExceptionGroup` is reported
    only for a deployment unit whose runtime predates Python 3.11).

    Silent when the module's names cannot all be known: a star import that may bind the name (a
    project module's star import is resolved: silent when that module binds the name in any
    way), `globals()` or `vars()`,
    `exec`, a module `__getattr__`, a builtin some project module adds; and for a use under
    `try: ... except NameError` (or `Exception`), under `if TYPE_CHECKING:` or in a branch taken
    by Python version or platform; and in notebooks exported as scripts. A name the function
    itself binds is PF504's (used before it is bound).

    ## Why is this bad?
    The function raises NameError on the line, every time it runs: pyflakes and ruff call it
    F821. It typically follows a refactor that moved an import into one function, or copied a
    function into a module without its imports, and shows up only on the code path that runs it.

    ## Example
    ```python orchestration/cleanup.py
    def load_rows(query):
        from google.cloud import bigquery
        return list(bigquery.Client().query(query).result())


    def delete_rows(table):
        bigquery.Client().query(f"DELETE FROM `{table}` WHERE TRUE").result()
    ```

    ## Fix
    Import the name where it is used (or once, at module level).
    ```python orchestration/cleanup.py
    from google.cloud import bigquery


    def load_rows(query):
        return list(bigquery.Client().query(query).result())


    def delete_rows(table):
        bigquery.Client().query(f"DELETE FROM `{table}` WHERE TRUE").result()
    ```
    """
    for use, note in _candidates(project, "call"):
        where = f"in {use.function}()" if use.function else f"in {use.context}"
        yield Diagnostic(use.location, f"`{use.name}` is not defined {where}: {_why(use, note)}, so this line "
                         f"raises NameError when it runs{_elsewhere(use)}", _related(use),
                         key=f"{use.function}\0{use.name}")


RULES = (name_undefined_at_import, name_undefined)
