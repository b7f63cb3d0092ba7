"""PF5xx facts: source text in, the whole list of facts out."""

import ast

from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.python.classes import PyAttrUse, PyClass, PyModuleScope
from gcp_preflight.validators.python.classes import extract as extract_classes
from gcp_preflight.validators.python.scopes import PyUnboundUse
from gcp_preflight.validators.python.scopes import extract as extract_scopes

SOURCE = '''from .base import Base
import enum as e


@dataclass
class C(Base, metaclass=ABCMeta):
    kind = "c"

    def __init__(self, a):
        self.a = a
        setattr(self, "b", 1)

    def run(self):
        client = Client()
        try:
            self.maybe()
        except AttributeError:
            pass
        return self.a, client.send(), e.Enum.x


def f(x):
    obj.late = hasattr(x, "p")
    print(when)
    when = 1
'''


def L(line, col, end_col):
    return Location("m.py", line, col, line, end_col)


def test_module_scope_classes_and_attribute_uses():
    tree = ast.parse(SOURCE)
    assert list(extract_classes(tree, SourceText("m.py", SOURCE))) == [
        PyModuleScope("m.py", (("Base", "from", "base", "Base", 1, 1), ("e", "import", "enum", "", 0, 2),
                               ("C", "class", "", "", 0, 6), ("f", "def", "", "", 0, 22)),
                      stored=("late",), probed=("p",), loose_setattr=False, has_getattr=False),
        PyClass("m.py", "C", L(6, 7, 8), ("Base",), (("metaclass", "ABCMeta"),), ("dataclass",),
                (("kind", 7, "attribute"), ("__init__", 9, "method"), ("run", 13, "method")),
                (("a", 10), ("b", 11)), (), ""),
        PyAttrUse("m.py", "self", "C", "self", "a", L(19, 21, 22), False, False, "C.run"),
        PyAttrUse("m.py", "self", "C", "self", "maybe", L(16, 18, 23), True, True, "C.run"),
        # `client = Client()`: Client is not a module-level class or import, so not typed.
        PyAttrUse("m.py", "global", "e.Enum", "e.Enum", "x", L(19, 46, 47), False, False, "C.run"),
        PyAttrUse("m.py", "global", "e", "e", "Enum", L(19, 41, 45), False, False, "C.run"),
    ]
    assert list(extract_scopes(tree, SourceText("m.py", SOURCE))) == [
        PyUnboundUse("m.py", "f", "when", L(24, 11, 15), L(25, 5, 9), "assignment", None)]


def test_dynamic_classes_and_what_the_module_does_to_other_objects():
    text = (
        "import argparse\n"
        "class P:\n"
        "    def __init__(self, **kw):\n"
        "        argparse.ArgumentParser().parse_args(namespace=self)\n"
        "class Q:\n"
        "    def __init__(self, kw):\n"
        "        register(self)\n"
        "def make(k, base):\n"
        "    setattr(k, base, 1)\n"
        "    return type('X', (P, base), {})\n"
    )
    scope, p, q, *uses = extract_classes(ast.parse(text), SourceText("m.py", text))
    assert (scope.loose_setattr, scope.passed, scope.made_bases) == (True, ("base", "k", "self"), ("?", "P"))
    assert (p.dynamic, p.escapes) == ("a method passes self to parse_args(), which sets attributes on it", "")
    assert (q.dynamic, q.escapes) == ("", "register")
    assert [(u.kind, u.owner, u.name) for u in uses] == [("global", "argparse", "ArgumentParser")]


def test_extractor_failure_keeps_other_facts(monkeypatch):
    from gcp_preflight.validators.python import classes as python_classes
    from gcp_preflight.validators import validator

    def broken(self):
        raise ValueError("boom")

    monkeypatch.setattr(python_classes._Module, "scope", broken)
    facts = list(validator("python").read(SourceText("m.py", "import yaml\n")))
    kinds = {type(f).__name__ for f in facts}
    assert "ModuleImports" in kinds
    [problem] = [f for f in facts if type(f).__name__ == "Problem"]
    assert problem.diagnostic.message == "internal error in the project-aware Python reader: ValueError: boom"
