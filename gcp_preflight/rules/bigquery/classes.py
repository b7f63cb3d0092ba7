"""`self.X` across the project's classes: bases resolved through imports, the MRO, subclasses.

A write in a method of class C runs for C and for every subclass that inherits the method, each
with its own class attributes: `self.table_id` (a property of a base class) over `self.table_name`
(a class attribute each subclass overrides) names a different table per subclass. `concrete`
says which classes a method runs for, `resolve` turns the `self.X` pieces of a string into what
one class gives them, `value` does the same for a row value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from gcp_preflight.model import Location
from gcp_preflight.rules.python.index import ClassRef, c3_merge
from gcp_preflight.validators.bigquery.facts import BqAttr, BqClass, Value

Key = tuple[str, str]  # (path, qualified class name)


class ClassIndex:
    def __init__(self, project, resolver):
        self.resolver = resolver
        self.classes: dict[Key, BqClass] = {(c.path, c.qualname): c for c in project.facts(BqClass)}
        self.bases: dict[Key, list[Key | None]] = {k: [self._base(resolver.index, c.path, b) for b in c.bases]
                                                   for k, c in self.classes.items()}
        self.children: dict[Key, list[Key]] = defaultdict(list)
        for key, bases in self.bases.items():
            for base in bases:
                if base is not None:
                    self.children[base].append(key)
        self._mro: dict[Key, tuple[list[Key], bool]] = {}

    def _base(self, index, path: str, name: str) -> Key | None:
        """The project class a base written in module `path` refers to: a class of the module
        (nested ones by qualified name), else what python_index resolves the name to."""
        if not name:
            return None
        if (path, name) in self.classes:
            return path, name
        target = index.resolve_dotted(path, name)
        if isinstance(target, ClassRef) and (target.cls.path, target.cls.name) in self.classes:
            return target.cls.path, target.cls.name
        return None

    def owner(self, path: str, function: str) -> Key | None:
        """The class a function (qualified name) is a method of."""
        key = (path, function.rsplit(".", 1)[0]) if "." in function else None
        return key if key in self.classes else None

    def mro(self, key: Key) -> tuple[list[Key], bool]:
        """(C3 linearisation over project classes, whether some base lies outside the project)."""
        if key not in self._mro:
            self._mro[key] = ([key], False)  # a cycle in broken code stops here
            bases = [b for b in self.bases.get(key, []) if b is not None]
            outside = None in self.bases.get(key, [])
            seqs = []
            for base in bases:
                order, out = self.mro(base)
                seqs.append(list(order))
                outside |= out
            self._mro[key] = ([key, *_merge(seqs + [list(bases)])], outside)
        return self._mro[key]

    def lookup(self, key: Key, name: str) -> tuple[BqAttr, Key] | None:
        """What `self.name` finds on an instance of the class: a property first (a data descriptor),
        then an attribute set on the instance, then the nearest class-level definition."""
        order, _ = self.mro(key)
        nearest = instance = None
        for k in order:
            for attr in self.classes[k].attrs:
                if attr.name != name:
                    continue
                if attr.how == "instance":
                    instance = instance or (attr, k)
                else:
                    nearest = nearest or (attr, k)
        if nearest and nearest[0].how == "property":
            return nearest
        return instance or nearest

    def missing(self, key: Key) -> str:
        _, outside = self.mro(key)
        return "no project class in its hierarchy defines it" + (
            " (a base class outside the project may)" if outside else "")

    def concrete(self, key: Key, method: str) -> list[Key]:
        """The classes a method of `key` runs for: `key` itself when nothing inherits it, else the
        subclasses at the bottom of the hierarchy that inherit it (a base is taken as abstract)."""
        found, stack = [], [key]
        while stack:
            k = stack.pop()
            if k in found:
                continue
            hit = self.lookup(k, method)
            if hit is not None and hit[1] != key:
                continue  # overridden below `key`
            found.append(k)
            stack.extend(self.children.get(k, ()))
        leaves = [k for k in found if k != key and not self.children.get(k)]
        return sorted(leaves) or [key]

    def name(self, key: Key) -> str:
        return key[1]

    def value(self, key: Key, value: Value, depth: int = 0) -> Value:
        """A row value with `self.X` replaced by what class `key` gives X (when its kind is known)."""
        if value.kind == "dict" and value.entries and depth < 4:
            entries = tuple(replace(e, value=self.value(key, e.value, depth + 1)) for e in value.entries)
            return replace(value, entries=entries)
        if value.kind != "self-attr":
            return value
        attr = self._follow(key, value.inner, 0)
        if attr is None or attr[0].kind in ("unknown", "self-attr"):
            return value
        found, owner = attr
        return replace(value, kind=found.kind, inner="", source=found.source,
                       origin=Location(owner[0], found.line))

    def _follow(self, key: Key, name: str, depth: int) -> tuple[BqAttr, Key] | None:
        """`self.X` through properties and methods that return another `self.Y`."""
        call = name.endswith("()")
        hit = self.lookup(key, name[:-2] if call else name)
        if hit is None or depth > 8 or call != (hit[0].how == "method"):
            return None
        attr = hit[0]
        if attr.kind == "self-attr" and attr.text and len(attr.text) == 1 and attr.text[0].kind == "attr":
            return self._follow(key, attr.text[0].value, depth + 1)
        return hit


def _merge(seqs: list[list[Key]]) -> list[Key]:
    """C3 merge; on an inconsistent hierarchy, whatever order is left (Python would refuse it)."""
    return c3_merge(seqs, lenient=True)
