"""PF510, PF511: names nothing binds (NameError), PF002 for what the compiler rejects; each silent
case on its own."""

import pytest

from tests.helpers import assert_marks, found, run, write_repo

CODES = ("PF510", "PF511")


def test_function_names_never_bound_with_deploy_scoping(tmp_path):
    write_repo(tmp_path, {
        "shared/clients.py": "from google.cloud import firestore\n",
        "orchestration/main.py": """
            import logging


            def load(query):
                from shared.bq import get_bigquery_client
                return get_bigquery_client().query(query)


            def delete(table):
                get_bigquery_client().query(table)  # expect: PF511
                return firestore.Client()  # expect: PF511


            class Processor:
                TABLE = "box"

                def table(self):
                    return TABLE  # expect: PF511


            def fine(rows):
                log = logging.getLogger(__name__)
                return [r for r in rows if r], log, len(rows), __file__
            """,
    })
    assert_marks(tmp_path, select=CODES)
    findings = run(tmp_path, select=("PF511",))
    assert [f.message for f in findings] == [
        "`get_bigquery_client` is not defined in delete(): nothing in this module binds it (no import, assignment "
        "or definition) and it is not a builtin, so this line raises NameError when it runs; the import of "
        "`get_bigquery_client` on line 5 is local to load() and binds it there alone",
        "`firestore` is not defined in delete(): nothing in this module binds it (no import, assignment or "
        "definition) and it is not a builtin, so this line raises NameError when it runs",
        "`TABLE` is not defined in Processor.table(): class Processor binds it in its body, which a method nested "
        "in it does not see, and the module does not bind it, so this line raises NameError when it runs",
    ]
    assert [(r.location.line, r.message) for r in findings[0].related] == [
        (5, "this import binds `get_bigquery_client` only inside load()")]
    assert (findings[0].location.line, findings[0].location.column, findings[0].location.end_column) == (10, 5, 24)


def test_import_time_names(tmp_path):
    write_repo(tmp_path, {"shared/utils/parsing.py": """
        import functools


        @register  # expect: PF510
        def split(text, sep=SEPARATOR) -> Tuple[str, str]:  # expect: PF510, PF510
            return text.split(sep, 1)


        class Child(Parent):  # expect: PF510
            size: Size = 1  # expect: PF510
            names = ["a"]
            upper = [n.upper() for n in names]
            twice = [names for _ in range(2)]  # expect: PF510


        class Parent:
            pass


        print(VERSION)  # expect: PF510
        VERSION = 1
        cached = functools.lru_cache(maxsize=None)
        """})
    assert_marks(tmp_path, select=CODES)
    messages = {f.location.line: f.message for f in run(tmp_path, select=("PF510",))}
    assert messages[5] == (
        "`Tuple` is not defined when this annotation is evaluated at import: nothing in this module binds it (no "
        "import, assignment or definition) and it is not a builtin, so importing the module raises NameError "
        "(annotations are evaluated when the def runs: the module has no `from __future__ import annotations`, and "
        "runtimes before Python 3.14 do not defer them)")
    assert messages[9] == (
        "`Parent` is not defined when the class statement of Child runs at import: the module binds it only on line "
        "16, after this runs, so importing the module raises NameError")
    assert messages[20] == (
        "`VERSION` is not defined when the module's top-level code runs at import: the module binds it only on line "
        "21, after this runs, so importing the module raises NameError")


def test_the_main_block_runs_only_as_a_script(tmp_path):
    # waqar-ahmed-malik/GCP-ETL: an import missing for the `__main__` block fails when the file is
    # run, not when a function imports the module (PF511, not PF510); the names it reads keep the
    # module's order
    write_repo(tmp_path, {"tools/audit.py": """
        import logging


        def main():
            logging.info("x")


        if __name__ == "__main__":
            parser = argparse.ArgumentParser()  # expect: PF511
            print(LATER)  # expect: PF511
            main()
        else:
            print(missing)  # expect: PF510
        LATER = 1
        """})
    assert_marks(tmp_path, select=CODES)
    messages = {f.location.line: f.message for f in run(tmp_path, select=("PF511",))}
    assert messages[9] == (
        '`argparse` is not defined in the `if __name__ == "__main__":` block: nothing in this module binds it (no '
        "import, assignment or definition) and it is not a builtin, so this line raises NameError when it runs")


def test_annotations_deferred_by_future_import_and_in_function_bodies(tmp_path):
    write_repo(tmp_path, {
        "future.py": """
            from __future__ import annotations


            def f(x: Missing) -> Other:
                return x
            """,
        "local.py": """
            def f(x):
                y: NotEvaluated = x
                return y
            """,
        "quoted.py": """
            def f(x: "Missing") -> "Other":
                return x
            """,
    })
    assert found(tmp_path, select=CODES) == []


def test_annotation_silent_when_every_unit_runs_python_3_14(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": """
            [[packaging.units]]
            name = "report"
            source = "functions/report"
            entry-point = "handler"
            runtime = "python314"
            """,
        "functions/report/main.py": """
            def handler(request) -> Response:
                return "ok"
            """,
    })
    assert found(tmp_path, select=CODES) == []


def test_builtin_newer_than_the_units_runtime(tmp_path):
    write_repo(tmp_path, {
        "preflight.toml": """
            [[packaging.units]]
            name = "report"
            source = "functions/report"
            entry-point = "handler"
            runtime = "python310"
            """,
        "functions/report/main.py": """
            def handler(request):
                try:
                    return run(request)
                except ValueError as exc:
                    raise ExceptionGroup("failed", [exc])  # expect: PF511


            def run(request):
                return aiter(request)
            """,
    })
    assert_marks(tmp_path, select=CODES)
    [finding] = run(tmp_path, select=CODES)
    assert finding.message == (
        "`ExceptionGroup` is not defined in handler(): `ExceptionGroup` is a builtin only from Python 3.11, and "
        "python310 runs it on an older runtime, so this line raises NameError when it runs")


def test_builtin_added_in_a_newer_version_silent_outside_units(tmp_path):
    write_repo(tmp_path, {"mod.py": """
        def f(errors):
            raise ExceptionGroup("failed", errors)
        """})
    assert found(tmp_path, select=CODES) == []


def test_star_import_from_a_project_module_that_lacks_the_name(tmp_path):
    write_repo(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/consts.py": "TABLE = 'box'\n",
        "pkg/main.py": """
            from pkg.consts import *


            def f():
                return TABLE, DATASET  # expect: PF511
            """,
    })
    assert_marks(tmp_path, select=CODES)


SILENT_CASES = {
    "star import from outside the project": """
        from somewhere import *


        def f():
            return anything
        """,
    "globals() write": """
        globals()["injected"] = 1


        def f():
            return injected
        """,
    "exec": """
        exec("made = 1")


        def f():
            return made
        """,
    "module __getattr__": """
        def __getattr__(name):
            return name


        def f():
            return lazy
        """,
    "locals() write in a class body": """
        class C:
            locals()["made"] = 1
            other = made
        """,
    "builtins written by the module": """
        import builtins

        builtins.tr = str


        def f():
            return tr("x")
        """,
    "global declared and assigned in another function": """
        def setup():
            global client
            client = object()


        def use():
            return client
        """,
    "nonlocal and enclosing function": """
        def outer():
            value = 1

            def inner():
                nonlocal value
                value += 1
                return value, helper

            def helper():
                return value
            return inner
        """,
    "comprehension variables and walrus": """
        def f(rows):
            pairs = {k: v for k, v in rows}
            if any((hit := r) for r in rows):
                return hit, pairs
            return [y for x in rows for y in x]
        """,
    "class body names in the class body and first iterable": """
        class C:
            names = ["a"]
            upper = [n.upper() for n in names]
            again = names
        """,
    "vars() write": """
        vars()["made"] = 1


        def f():
            return made
        """,
    "setattr on sys.modules[__name__]": """
        import sys

        setattr(sys.modules[__name__], "made", 1)


        def f():
            return made
        """,
    "a builtin shadowed later in the module": """
        class Error(Exception):
            pass


        TimeoutError = TimeoutError
        dict = dict
        """,
    "enum _convert_ exports members into the module": """
        import enum
        import signal

        enum.IntEnum._convert_("Signals", __name__, lambda name: name.startswith("SIG"), source=signal)


        def f():
            return SIGINT
        """,
    "a module name deleted (del counts as a binding)": """
        value = 1
        del value


        def f():
            return value
        """,
    "try/except NameError": """
        try:
            unicode
        except NameError:
            unicode = str


        def f():
            try:
                return long_type
            except NameError:
                return int
        """,
    "TYPE_CHECKING block": """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            Alias = Undefined
        """,
    "module dunders and __class__": """
        def f():
            return __name__, __file__, __doc__, __spec__, __builtins__


        class C:
            where = __module__, __qualname__

            def m(self):
                return __class__
        """,
    "__path__ in a package": None,
    "loop binds it in an earlier iteration at module level": """
        for i in range(3):
            if i:
                print(last)
            last = i
        """,
    "function-local name (PF504's)": """
        def f():
            print(late)
            late = 1
        """,
    "bound later in the module, read in a function": """
        def f():
            return CONFIG


        CONFIG = {}
        """,
    "generator expression at module level runs when consumed": """
        pending = (row for row in range(3) if row > LIMIT)
        LIMIT = 1
        """,
    "Python 2 branch by version": """
        import sys

        if sys.version_info[0] == 2:
            text_type = unicode
        else:
            text_type = str
        """,
    "Windows branch by os.name": """
        import os


        def remove(path):
            if os.name == "nt":
                return WinDLL(path)
            return os.remove(path)
        """,
    "gettext.install adds _ to builtins": """
        import gettext

        gettext.install("app")


        def greet():
            return _("hello")
        """,
    "notebook exported as a script": """
        get_ipython().run_line_magic("matplotlib", "inline")
        df = load()
        """,
    "Databricks notebook source": """
        # Databricks notebook source
        rows = spark.table("raw.games").collect()
        """,
    "match captures and except names": """
        def f(command):
            match command:
                case {"go": target, **rest}:
                    return target, rest
                case [first, *others]:
                    return first, others
            try:
                return 1
            except ValueError as exc:
                return exc
        """,
}


@pytest.mark.parametrize("name", sorted(SILENT_CASES))
def test_silent_case_on_its_own(tmp_path, name):
    source = SILENT_CASES[name]
    files = {"pkg/__init__.py": "print(__path__)\n"} if source is None else {"mod.py": source}
    write_repo(tmp_path, files)
    assert found(tmp_path, select=CODES) == [], name


def test_builtins_written_by_another_module_silence_the_name(tmp_path):
    write_repo(tmp_path, {
        "setup_i18n.py": "import builtins\n\nbuiltins._ = lambda s: s\n",
        "mod.py": """
            def f():
                return _("hello"), other  # expect: PF511
            """,
    })
    assert_marks(tmp_path, select=CODES)


@pytest.mark.parametrize("source, line, message", [
    ("f(a=1, a=2)\n", 1, "keyword argument repeated: a"),
    ("return 1\n", 1, "'return' outside function"),
    ("def f():\n    await g()\n", 2, "'await' outside async function"),
    ("def f(a, a):\n    pass\n", 1, "duplicate argument 'a' in function definition"),
    ("def f():\n    x = 1\n    global x\n", 3, "name 'x' is assigned to before global declaration"),
    ("def f():\n    nonlocal x\n", 2, "no binding for nonlocal 'x' found"),
    ("for x in y:\n    pass\nbreak\n", 3, "'break' outside loop"),
    ("def f():\n    continue\n", 2, "'continue' not properly in loop"),
    ("yield 1\n", 1, "'yield' outside function"),
    ("import os\nfrom __future__ import annotations\n", 2,
     "from __future__ imports must occur at the beginning of the file"),
    ("from __future__ import braces\n", 1, "not a chance"),
    ("def f():\n    from os import *\n", 2, "import * only allowed at module level"),
    ("class C:\n    return 1\n", 2, "'return' outside function"),
    ("def f():\n    return [(yield x) for x in y]\n", 2, "'yield' inside list comprehension"),
])
def test_compiler_errors_are_pf002_at_the_line(tmp_path, source, line, message):
    write_repo(tmp_path, {"mod.py": source})
    [finding] = run(tmp_path, select=("PF002",))
    assert (finding.location.path, finding.location.line) == ("mod.py", line)
    assert finding.message == (f"syntax error: {message} (the compiler rejects it when the module is imported, "
                               f"though it parses)")


def test_compiler_silent_on_valid_code_and_newer_grammar(tmp_path):
    write_repo(tmp_path, {
        "ok.py": "async def f():\n    await g()\n\n\ndef h(*, a=1):\n    return [x for x in a] if 0 else a\n",
        "new.py": "def f[T](x: T) -> T:\n    return x\n",
    })
    assert [c for c, _ in found(tmp_path, select=("PF002",))] == []


def test_submodule_names_are_bound_in_the_package_init(tmp_path):
    write_repo(tmp_path, {
        "pkg/__init__.py": """
            from .loader import *

            __all__ = loader.__all__ + missing.__all__  # expect: PF510


            def add(tag, Loader=None):
                if Loader is None:
                    loader.Loader.add(tag)
            """,
        "pkg/loader.py": "__all__ = ['Loader']\n\n\nclass Loader:\n    @classmethod\n    def add(cls, tag):\n        return tag\n",
    })
    assert_marks(tmp_path, select=CODES)
