"""A class attribute as a class sees it (rules/names/resolve.py): its own, else the nearest
base's; none where no class of its hierarchy binds the name, which is answered without walking
the hierarchy, cycles of bases included."""

from gcp_preflight.config import Config
from gcp_preflight.project import Project
from gcp_preflight.rules.names.check import python_index
from gcp_preflight.validators import default_validators
from tests.helpers import write_repo


def test_a_class_attribute_is_found_in_any_base_and_in_a_cycle_of_bases(tmp_path):
    write_repo(tmp_path, {
        "a.py": "class Root:\n    name = 'root'\n\n\nclass Mid(Root):\n    pass\n\n\nclass Leaf(Mid):\n    other = 'leaf'\n",
        "b.py": "class X(Y):\n    x = 'x'\n\n\nclass Y(X):\n    y = 'y'\n",
    })
    index = python_index(Project(tmp_path, Config(), default_validators()))
    leaf, x, y = index.classes[("a.py", "Leaf")], index.classes[("b.py", "X")], index.classes[("b.py", "Y")]

    def found(cls, name):
        binding = index.class_attribute(cls, name)
        return binding and (binding.path, binding.symbol)

    assert [found(leaf, "name"), found(leaf, "other"), found(leaf, "missing")] == [
        ("a.py", "Root.name"), ("a.py", "Leaf.other"), None]
    assert [found(x, "y"), found(y, "x"), found(x, "z")] == [("b.py", "Y.y"), ("b.py", "X.x"), None]
    assert index._hierarchy_names(x) == index._hierarchy_names(y) == frozenset({"x", "y"})
