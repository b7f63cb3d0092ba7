"""Python name sources: source text in, the whole list of facts out."""

import ast

from gcp_preflight.model import Location
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.names.python import (Expr, PyImportName, PyNameBinding,
                                                   extract_names, module_path)


def facts(text, path="pkg/mod.py"):
    return list(extract_names(ast.parse(text), SourceText(path, text)))


def L(line, col, end_line=None, end_col=None, path="pkg/mod.py"):
    return Location(path, line, col, end_line if end_line is not None else line, end_col)


def test_dataclass_field_with_lambda_factory_and_class_attributes():
    text = (
        "@dataclass\n"
        "class Cfg(base.Base):\n"
        "    names: list = field(default_factory=lambda: ['a', B])\n"
        "    empty: list = field(default_factory=list)\n"
        "    table_name = 'x'\n"
    )
    assert facts(text) == [  # the class itself is a PyClass (validators/python/classes.py)
        PyNameBinding("pkg/mod.py", "Cfg.names", L(3, 5, 3, 10), Expr("seq", L(3, 49, 3, 57), "list", (
            Expr("str", L(3, 50, 3, 53), "a"), Expr("ref", L(3, 55, 3, 56), "B")))),
        PyNameBinding("pkg/mod.py", "Cfg.empty", L(4, 5, 4, 10), Expr("seq", L(4, 41, 4, 45), "list")),
        PyNameBinding("pkg/mod.py", "Cfg.table_name", L(5, 5, 5, 15), Expr("str", L(5, 18, 5, 21), "x")),
    ]


def test_expressions_imports_and_fallback_in_except():
    text = (
        "from .sib import A as B\n"
        "import shared.config as cfg\n"
        "try:\n"
        "    from shared.config import X\n"
        "except ImportError:\n"
        "    X = sorted(set(B) | {'z'}) + list(D.keys())\n"
        "Y = load()\n"
    )
    got = facts(text)
    assert got[:3] == [
        PyImportName("pkg/mod.py", "B", "pkg/sib", "A", True, L(1, 1, 1, 24)),
        PyImportName("pkg/mod.py", "cfg", "shared.config", "", False, L(2, 1, 2, 28)),
        PyImportName("pkg/mod.py", "X", "shared.config", "X", False, L(4, 5, 4, 32)),
    ]
    x, y = got[3:]
    assert x == PyNameBinding("pkg/mod.py", "X", L(6, 5, 6, 6), Expr("op", L(6, 9, 6, 48), "+", (
        Expr("call", L(6, 9, 6, 31), "sorted", (
            Expr("op", L(6, 16, 6, 30), "|", (
                Expr("call", L(6, 16, 6, 22), "set", (Expr("ref", L(6, 20, 6, 21), "B"),)),
                Expr("seq", L(6, 25, 6, 30), "set", (Expr("str", L(6, 26, 6, 29), "z"),)))),)),
        Expr("call", L(6, 34, 6, 48), "list", (
            Expr("call", L(6, 39, 6, 47), "keys", (Expr("ref", L(6, 39, 6, 40), "D"),)),)))))
    assert y == PyNameBinding("pkg/mod.py", "Y", L(7, 1, 7, 2),
                              Expr("unknown", L(7, 5, 7, 11), "the result of load(...) is not statically known"))


def test_dicts_with_tuple_values_and_splat():
    text = "R = {'a': ('m.a', 'A'), **OTHER}\nF = [f'{x}' for x in y]\n"
    assert facts(text) == [
        PyNameBinding("pkg/mod.py", "R", L(1, 1, 1, 2), Expr("dict", L(1, 5, 1, 33), "dict", (
            (Expr("str", L(1, 6, 1, 9), "a"), Expr("seq", L(1, 11, 1, 23), "tuple", (
                Expr("str", L(1, 12, 1, 17), "m.a"), Expr("str", L(1, 19, 1, 22), "A")))),
            (Expr("splat", L(1, 5, 1, 33)), Expr("ref", L(1, 27, 1, 32), "OTHER"))))),
        PyNameBinding("pkg/mod.py", "F", L(2, 1, 2, 2),
                      Expr("unknown", L(2, 5, 2, 24), "a list comprehension is not statically known")),
    ]


def test_module_path():
    assert module_path("a/b/__init__.py") == "a/b"
    assert module_path("a/b/c.py") == "a/b/c"
