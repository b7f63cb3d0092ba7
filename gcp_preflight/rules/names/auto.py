"""Zero configuration: the common layout, found without being told.

Declared names are every `processor_name` scalar in any YAML file (`**.processor_name`). A
Python list, tuple, set or dataclass field whose name mentions "processor" is checked against
them when its value is a collection of strings of which at least one is declared: that one
shared name is the evidence that the list means the same kind of name (a list of module paths
or of removed processors shares none, and is left alone). Test files are not candidates.
"""

from __future__ import annotations

import posixpath
import re

from gcp_preflight.rules.names.resolve import PythonIndex, shape
from gcp_preflight.rules.names.sources import Instance, binding_instance
from gcp_preflight.rules.names.yaml_select import select
from gcp_preflight.testpaths import TEST_FILE
from gcp_preflight.validators.yaml.source import YamlDocument

DECLARING_KEY = "processor_name"
DECLARED_SELECTOR = f"**.{DECLARING_KEY}"
CANDIDATE_NAME = re.compile(r"processor", re.I)


def declared_instances(documents: tuple[YamlDocument, ...]) -> list[Instance]:
    by_path: dict[str, Instance] = {}
    for doc in documents:
        items = select(doc, DECLARED_SELECTOR)
        if items:
            inst = by_path.setdefault(doc.path, Instance(f"a {DECLARING_KEY} in {doc.path}", doc.path, items[0].location))
            inst.items += items
    return list(by_path.values())


def candidate_instances(index: PythonIndex, declared: set[str]) -> list[Instance]:
    out = []
    for symbol, bindings in index.by_symbol.items():
        if not CANDIDATE_NAME.search(symbol.split(".")[-1]):
            continue
        for binding in bindings:
            if TEST_FILE.search(binding.path) or shape(index, binding) != "collection":
                continue
            inst = binding_instance(index, binding, symbol)
            if inst.texts & declared:
                out.append(inst)
    return sorted(out, key=lambda i: (i.path or "", i.location.line))


def declared_label(instances: list[Instance]) -> str:
    paths = sorted({i.path for i in instances if i.path})
    shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    return f"any {DECLARING_KEY} in {shown}" if paths else f"any {DECLARING_KEY}"


def basename(path: str) -> str:
    return posixpath.basename(path)
