"""The cache codec (facts.py): what it loads equals what was written, and its loader builds
fact types and plain values only: an entry that names anything else, or is not a tuple of facts,
is refused (a cache miss), and nothing it names is ever called."""

import ast
import dataclasses
import os
import pickle
from pathlib import Path

import pytest

import gcp_preflight
from gcp_preflight import facts
from gcp_preflight.model import Location, Severity
from gcp_preflight.validators.shell.literals import ShellLiteral


def test_loaded_facts_equal_the_written_ones_and_share_equal_strings_within_an_entry():
    path = "".join(["bin/", "deploy.sh"])  # built at run time: not the literal's object
    written = (ShellLiteral(path, Location(path, 3, 5), "phase2", '"'),
               ShellLiteral("bin/deploy.sh", Location("bin/deploy.sh", 4, 1), "phase2", "'"))
    loaded = facts.loads(facts.dumps(written))
    assert loaded == written
    assert loaded[0].path is loaded[0].location.path


def test_a_shared_field_holds_one_copy_of_a_value_across_entries():
    # ShellLiteral shares `text` (facts.fact(shared=...)); its `path` is not shared.
    def made(text: str) -> str:
        return "".join(text)  # a new object each time, as each entry's loader makes

    first = facts.loads(facts.dumps([ShellLiteral(made("a.sh"), Location("a.sh", 1, 1), made("phase2"), '"')]))
    second = facts.loads(facts.dumps([ShellLiteral(made("a.sh"), Location("a.sh", 2, 1), made("phase2"), '"')]))
    assert first[0].text is second[0].text == "phase2"
    assert first[0].path is not second[0].path
    assert second == (ShellLiteral("a.sh", Location("a.sh", 2, 1), "phase2", '"'),)
    with pytest.raises(dataclasses.FrozenInstanceError):  # a loaded fact is a value too
        second[0].text = "phase3"


def test_a_fact_with_shared_fields_keeps_its_dataclass_parameters_and_defaults():
    @facts.fact(shared=("name",))
    @dataclasses.dataclass(slots=True, unsafe_hash=True)
    class SharingSample:
        path: str
        name: str = "unnamed"
        tags: tuple = dataclasses.field(default_factory=tuple)

    assert SharingSample("a.py") == SharingSample(path="a.py", name="unnamed", tags=())
    assert SharingSample("a.py", tags=("x",)).tags == ("x",)
    made = SharingSample("a.py", "".join(["ph", "ase2"]))
    assert made.name is SharingSample("b.py", "".join(["pha", "se2"])).name == "phase2"
    with pytest.raises(TypeError):
        SharingSample()  # path has no default, as in the dataclass


def test_a_shared_field_must_be_a_str_field():
    with pytest.raises(TypeError) as refused:
        @facts.fact(shared=("line", "nothing"))
        @dataclasses.dataclass(slots=True, unsafe_hash=True)
        class Odd:
            line: int
    assert str(refused.value) == "Odd: shared fields must be str fields: line, nothing"


def test_enums_of_fact_modules_load():
    from gcp_preflight.model import Diagnostic

    diagnostic = Diagnostic("PF301", Severity.ERROR, "memory", Location("deploy.sh", 3, 1))
    assert facts.loads(facts.dumps([diagnostic])) == (diagnostic,)


MARKER = Path("/tmp/gcp-preflight-codec-test-ran")


class _Runs:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


@pytest.mark.parametrize("entry, why", [
    (pickle.dumps((_Runs(),)), f"{os.system.__module__}.system is not a fact type"),
    (pickle.dumps(print), "builtins.print is not a fact type"),
    (pickle.dumps([Location("a.py", 1, 1)]), "a cache entry is a tuple"),
    (pickle.dumps(("a.py",)), "str is not a fact type"),
    (pickle.dumps((Location("a.py", 1, 1),))[:-3], "not a cache entry: UnpicklingError"),
    (b"", "not a cache entry: EOFError"),
    ('[["Location", ["a.py", 1, 1]]]', "a cache entry is bytes"),
], ids=["calls a function", "names a builtin", "a list", "a string", "truncated", "empty", "old json entry"])
def test_entries_that_are_not_tuples_of_facts_are_refused(entry, why):
    with pytest.raises(facts.CacheShapeError) as refused:
        facts.loads(entry)
    assert str(refused.value) == why
    assert not MARKER.exists()


def test_an_entry_by_type_holds_each_types_facts_in_order_and_decodes_one_type_at_a_time():
    first, second = Location("a.py", 1, 1), Location("a.py", 2, 1)
    literal = ShellLiteral("a.sh", first, "phase2", '"')
    groups = facts.loads_by_type(facts.dumps_by_type([first, literal, second]))
    assert [name for name, _ in groups] == ["Location", "ShellLiteral"]
    assert facts.loads_of_type(Location, groups[0][1]) == (first, second)
    assert facts.loads_of_type(ShellLiteral, groups[1][1]) == (literal,)
    with pytest.raises(facts.CacheShapeError) as refused:
        facts.loads_of_type(Location, groups[1][1])  # a group under another type's name
    assert str(refused.value) == "facts of another type than Location"


@pytest.mark.parametrize("entry, why", [
    (pickle.dumps((("Location", pickle.dumps(()), "more"),)), "a cache entry is a tuple of (type name, facts) pairs"),
    (pickle.dumps((("Location", "not bytes"),)), "a cache entry is a tuple of (type name, facts) pairs"),
    (pickle.dumps([("Location", b"")]), "a cache entry is a tuple of (type name, facts) pairs"),
    (pickle.dumps((("Runs", _Runs()),)), f"{os.system.__module__}.system is not a fact type"),
], ids=["a triple", "a string group", "a list", "calls a function"])
def test_entries_by_type_of_another_shape_are_refused(entry, why):
    with pytest.raises(facts.CacheShapeError) as refused:
        facts.loads_by_type(entry)
    assert str(refused.value) == why
    assert not MARKER.exists()


def test_a_fact_type_of_a_module_not_yet_imported_loads():
    # What an entry names is imported from FACT_MODULES only: a class of another module of
    # the package (here the CLI's, which would run the tool on import) is refused.
    entry = pickle.dumps((Location("a.py", 1, 1),)).replace(b"gcp_preflight.model", b"gcp_preflight.__main__")
    with pytest.raises(facts.CacheShapeError):
        facts.loads(entry)


def _names_fact(decorator: ast.expr) -> bool:  # @fact or @fact(shared=...)
    called = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(called, ast.Name) and called.id == "fact"


def test_fact_modules_lists_every_module_that_registers_a_fact_type():
    package = Path(gcp_preflight.__file__).parent
    registering = set()
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(_names_fact(d) for d in node.decorator_list):
                module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
                registering.add(module)
    assert registering | {"gcp_preflight.model"} == set(facts.FACT_MODULES)


def test_the_suite_runs_with_facts_that_refuse_a_change():
    location = Location("a.py", 3, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        location.line = 4
    assert location == Location("a.py", 3, 1) and hash(location) == hash(Location("a.py", 3, 1))
    assert dataclasses.replace(location, line=4) == Location("a.py", 4, 1)
