"""Python sources in, import facts and newer-grammar features out (the same on every host)."""

import textwrap

import pytest

from gcp_preflight.validators.base import Problem, SourceText
from gcp_preflight.validators.packaging.python import Import, ModuleImports, Scope
from gcp_preflight.validators import validator
from gcp_preflight.validators.python.source import PythonModule
from gcp_preflight.validators.python.syntax_level import SyntaxFeature


def read(text, path="pkg/mod.py"):
    """The facts of this family (other families' extractors add their own)."""
    facts = validator("python").read(SourceText(path, textwrap.dedent(text).lstrip("\n")))
    return [f for f in facts if isinstance(f, (PythonModule, ModuleImports, SyntaxFeature, Problem))]


def test_imports_with_when_they_run():
    facts = read("""
        import os, a.b as ab
        from . import sibling
        from ..up import x as y, z
        from typing import TYPE_CHECKING
        from shared.utils import *
        try:
            import ujson as json
        except ImportError:
            import json
        if TYPE_CHECKING:
            from google.cloud import bigquery
        if __name__ == "__main__":
            import argparse

        def handler(event, context):
            import yaml
            return yaml

        class Job:
            from shared import config
            def run(self):
                from shared.db import client

        with contextlib.suppress(ModuleNotFoundError):
            import orjson
        app = make_app()
        def __getattr__(name): ...
    """)
    assert facts[0] == PythonModule("pkg/mod.py")
    assert facts[1] == ModuleImports(
        "pkg/mod.py",
        (
            Import("os", 0, (), 1, 1), Import("a.b", 0, (), 1, 1),
            Import("", 1, ("sibling",), 2, 1),
            Import("up", 2, ("x", "z"), 3, 1),
            Import("typing", 0, ("TYPE_CHECKING",), 4, 1),
            Import("shared.utils", 0, ("*",), 5, 1),
            Import("ujson", 0, (), 7, 5, optional=True),
            Import("json", 0, (), 9, 5, optional=True),  # the fallback: one of the two is expected to fail
            Import("google.cloud", 0, ("bigquery",), 11, 5, never="TYPE_CHECKING"),
            Import("argparse", 0, (), 13, 5, never="__main__"),
            Import("yaml", 0, (), 16, 5, function="handler"),
            Import("shared", 0, ("config",), 20, 5),
            Import("shared.db", 0, ("client",), 22, 9, function="Job.run"),
            Import("orjson", 0, (), 25, 5, optional=True),
        ),
        ("Job", "TYPE_CHECKING", "__getattr__", "ab", "app", "argparse", "bigquery", "handler", "json",
         "orjson", "os", "sibling", "y", "z"),
        ("handler", "__getattr__"),
        True,
        (Scope("", ("TYPE_CHECKING", "contextlib", "make_app", "suppress")),
         Scope("Job.run", ()), Scope("__getattr__", ()), Scope("handler", ("yaml",))),
    )
    assert len(facts) == 2


F312 = '''
name = "x"
greeting = f"{name["a"]}"
joined = f"{'\\n'.join(rows)}"
ok = f"{name!r:>{10}}"
import yaml
'''


def test_312_fstrings_parse_on_every_host_and_become_features():
    facts = read(F312)
    assert [f for f in facts if isinstance(f, SyntaxFeature)] == [
        SyntaxFeature("pkg/mod.py", (3, 12), 2, 20, "the enclosing quote reused inside an f-string replacement field"),
        SyntaxFeature("pkg/mod.py", (3, 12), 3, 14, "a backslash inside an f-string replacement field"),
    ]
    imports = next(f for f in facts if isinstance(f, ModuleImports))
    assert imports.imports == (Import("yaml", 0, (), 5, 1),)
    assert imports.defines == ("greeting", "joined", "name", "ok", "yaml")


@pytest.mark.parametrize("text, expected", [
    ("def f[T](x: T) -> T:\n    return x\n", [((3, 12), 1, 6, "type parameters")]),
    ("type Rows = list[dict]\n", [((3, 12), 1, 1, "a type alias statement")]),
    ("try:\n    pass\nexcept* ValueError:\n    pass\n", [((3, 11), 3, 1, "except* (exception groups)")]),
    ("match x:\n    case 1:\n        pass\n", [((3, 10), 1, 1, "a match statement")]),
    ("if (n := 1):\n    pass\n", [((3, 8), 1, 5, "an assignment expression (:=)")]),
    ("x = f'{a +\n b}'\n", [((3, 12), 1, 11, "a line break inside a single-quoted f-string replacement field")]),
    ("x = f'''{\n  a  # note\n}'''\n", [((3, 12), 2, 6, "a comment inside an f-string replacement field")]),
    # valid before 3.12: nothing to report
    ("x = f\"{d['a']}\" + f'''{d[\"a\"]}''' + f'{a != b}' + f'{x:\\n}' + f\"{'#'}\"\ntype = 3\n", []),
])
def test_features(text, expected):
    got = [(f.version, f.line, f.column, f.feature) for f in read(text) if isinstance(f, SyntaxFeature)]
    assert got == expected


def test_real_syntax_error_is_still_pf002_once():
    facts = read('x = f"{name["a"]}"\ndef broken(:\n    pass\n')
    assert [(f.code, f.diagnostic.location.line) for f in facts] == [("PF002", 2)]
