"""The Python readers on large and hostile modules: same answers, bounded depth, no lost file.

The sizes here are small enough for the suite; the same shapes at full size (a 20,000-term
expression, a 150,000-entry list of dicts, 5,000 nested brackets) are timed by hand.
"""

import ast

import pytest

from gcp_preflight.facts import dumps, loads
from gcp_preflight.lines import split_lines
from gcp_preflight.project import _safe_read
from gcp_preflight.validators import validator
from gcp_preflight.validators.base import Problem, SourceText
from gcp_preflight.validators.bigquery.facts import BqCall, BqFunction
from gcp_preflight.validators.names.python import Expr, PyNameBinding
from gcp_preflight.validators.python.classes import PyClass, PyModuleScope
from gcp_preflight.validators.python.classes import extract as extract_classes
from gcp_preflight.validators.python.segments import SourceMap
from gcp_preflight.validators.python import source as python_source
from gcp_preflight.validators.python.source import PythonModule


def read(text, path="m.py"):
    return _safe_read(validator("python"), SourceText(path, text))


def of_type(found, kind):
    return [f for f in found if isinstance(f, kind)]


# -- source segments --------------------------------------------------------------------------

ODD = 'x = "é日"  # c\r\ny = f(\r\n  "😀",   a)\rz = {"k": [1,\n 2]}\n\x0cw = "a\\\nb"\n'


def test_segments_match_ast_get_source_segment():
    tree = ast.parse(ODD)
    source = SourceMap(ODD)
    for node in ast.walk(tree):
        if getattr(node, "end_col_offset", None) is None:
            continue
        expected = ast.get_source_segment(ODD, node)
        assert source.segment(node) == expected
        collapsed = " ".join(expected.split())
        assert source.short(node, 8) == (collapsed if len(collapsed) <= 8 else collapsed[:5] + "...")


def test_columns_count_characters_on_every_kind_of_line():
    lines = split_lines(ODD)
    source = SourceMap(ODD)
    for line in range(0, len(lines) + 2):
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        encoded = text.encode("utf-8")
        for offset in range(0, len(encoded) + 3):
            try:
                encoded[:offset].decode("utf-8")
            except UnicodeDecodeError:
                continue  # inside a character: no node starts there
            assert source.column(line, offset) == len(encoded[:offset].decode("utf-8")), (line, offset)


# -- a walrus binds once ----------------------------------------------------------------------

def test_a_walrus_in_nested_comprehensions_binds_once():
    # It used to be listed once per enclosing comprehension (and once more when it sat in a
    # comprehension's first iterable), which made `y` look bound twice (ambiguous) and gave the
    # class two `b` members.
    text = (
        "DATA = [[y for x in row if (y := x)] for row in ROWS]\n"
        "FIRST = [z for z in (w := [1, 2])]\n"
        "class C:\n"
        "    members = [[b for a in r if (b := a)] for r in ROWS]\n"
    )
    found = list(extract_classes(ast.parse(text), SourceText("m.py", text)))
    scope = of_type(found, PyModuleScope)[0]
    assert [row[0] for row in scope.bindings] == ["DATA", "FIRST", "w", "C", "y"]
    assert of_type(found, PyClass)[0].members == (("members", 4, "attribute"), ("b", 4, "attribute"))


# -- hostile shapes ---------------------------------------------------------------------------

def _depth(expr):
    depth = 0
    while expr.kind == "op":
        expr, depth = expr.items[0], depth + 1
    return depth, expr


def test_an_expression_deeper_than_ast_object_conversion_allows_keeps_the_file(monkeypatch):
    # 5,000 terms nest 5,000 levels deep: more than `ast` turns into objects at the default
    # recursion limit (3x 1,000), so the module is parsed again on a large stack.
    deep = []
    monkeypatch.setattr(python_source, "_parse_deep", lambda s, parse=python_source._parse_deep: deep.append(1) or parse(s))
    terms = " + ".join(f"f{i}(a{i}[0], b={{'k{i}': [{i}, {i}]}})" for i in range(5000))
    text = f"x = {terms}\n\ndef g(rows):\n    y = {terms}\n    client.insert_rows_json('t', rows)\n    return y\n"
    found = read(text)
    assert deep == [1]
    assert not of_type(found, Problem)
    assert of_type(found, PythonModule) and of_type(found, BqFunction)
    assert [c.callee for c in of_type(found, BqCall)] == ["client.insert_rows_json"]
    binding = of_type(found, PyNameBinding)[0]
    depth, deepest = _depth(binding.value)
    assert depth == 64 and deepest.kind == "unknown" and "deeply" in deepest.text
    assert loads(dumps(found)) == tuple(found)  # a fact that deep would not encode


@pytest.mark.parametrize("chain", ["x" + ".a" * 5000, "x" + ".f()" * 3000, "x" + "[0]" * 5000,
                                   "x" + " or x" * 5000, "'s' % " * 3000 + "x"],
                         ids=["attributes", "method calls", "subscripts", "or", "percent"])
def test_long_chains_without_brackets(chain):
    text = f"import json\nv = {chain}\n\ndef f(p):\n    w = json.dumps({chain})\n    return w\n"
    found = read(text)
    assert not of_type(found, Problem)
    assert loads(dumps(found)) == tuple(found)


def test_a_large_list_of_dicts():
    rows = ",\n".join(f"    {{'id': {i}, 'v': 'r{i}'}}" for i in range(10000))
    found = read(f"ROWS = [\n{rows}\n]\n\ndef send(client):\n    client.insert_rows_json('t', ROWS)\n")
    assert not of_type(found, Problem)
    binding = of_type(found, PyNameBinding)[0]
    assert binding.value.kind == "seq" and len(binding.value.items) == 10000
    last = binding.value.items[-1].items[1][1]
    assert last == Expr("str", last.location, "r9999")


def test_nested_brackets_are_a_syntax_error_at_once():
    found = read("x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert [p.code for p in of_type(found, Problem)] == ["PF002"]


def test_json_dumps_is_found_under_any_name_once_calls_are_prefiltered():
    from gcp_preflight.validators.bigquery.facts import JsonDumps

    text = ("from json import dumps as jd\nimport json as j\nimport datetime\n\n"
            "def f():\n    x = {'a': datetime.date.today()}\n    jd(x)\n    j.dumps(x)\n    x.dumps()\n")
    assert [d.where.line for d in of_type(read(text), JsonDumps)] == [7, 8]
