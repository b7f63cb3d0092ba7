"""PF523: a mixin's `self.X` that some of the concrete classes including it do not have."""

from __future__ import annotations

from gcp_preflight.model import Diagnostic, Related, Severity
from gcp_preflight.rules.base import rule
from gcp_preflight.rules.python.index import OBJECT_ATTRIBUTES, PythonIndex, python_index
from gcp_preflight.validators.python.classes import PyClass


def _concrete(index: PythonIndex, cls: PyClass) -> list[PyClass]:
    from gcp_preflight.rules.python.rules import BASE_NAME  # (rules.py lists this family's rules)

    """The project classes that include `cls` and that nothing derives from (the ones code
    instantiates), leaving out abstract ones; [] when some class may derive from it unseen."""
    subclasses, maybe = index.subclasses(cls)
    if maybe:
        return []
    parents = {(b.path, b.name) for s in subclasses for b in index.hierarchy(s).classes[1:]}
    return [s for s in subclasses if (s.path, s.name) not in parents and not index.is_abstract(s)
            and not BASE_NAME.search(s.name)]


@rule("PF523", "mixin-attribute-missing", Severity.ERROR)
def mixin_attribute_missing(project):
    """A mixin's `self.name` that some of the concrete classes including it do not define.

    ## What it does
    A class that uses `self.name` without defining it leaves `name` to the classes that
    include it (a mixin, or a base). For each such use, looks `name` up in every concrete class
    that includes it (a project subclass that nothing derives from and that is not abstract):
    when some of them define it and others do not, reports the use and names the classes that
    lack it. (When none defines it, PF501 reports the use.)

    Silent when any class involved has a hierarchy whose attributes cannot all be known (the
    rules of PF501), when some class may derive from it through a base that does not resolve,
    for names assigned on objects elsewhere or probed with `hasattr`, and inside
    `try: ... except AttributeError`.

    ## Why is this bad?
    The mixin works in the class it was written for and raises AttributeError in another one
    that includes it later: the second processor to use `DedupMixin` fails on its first run.

    ## Example
    ```python processors/dedup.py
    class DedupMixin:
        def dedup(self, rows):
            return self.check_duplicates(rows)


    class BoxscoresProcessor(DedupMixin):
        def check_duplicates(self, rows):
            return rows


    class OddsProcessor(DedupMixin):
        def load(self):
            return []
    ```

    ## Fix
    Define the name in every class that includes the mixin (or give the mixin a default).
    ```python processors/dedup.py
    class DedupMixin:
        def dedup(self, rows):
            return self.check_duplicates(rows)

        def check_duplicates(self, rows):
            return rows


    class BoxscoresProcessor(DedupMixin):
        def check_duplicates(self, rows):
            return sorted(rows)


    class OddsProcessor(DedupMixin):
        def load(self):
            return []
    ```
    """
    from gcp_preflight.rules.python.rules import _optional, _raises, _shown, _uses

    index = project.memo(python_index)
    for use in _uses(project, "self"):
        cls = index.classes.get((use.path, use.owner))
        if cls is None or _optional(index, use) or use.name in OBJECT_ATTRIBUTES:
            continue
        hierarchy = index.hierarchy(cls)
        if hierarchy.unknown or use.name in hierarchy.attributes():
            continue
        having, lacking = [], []
        for sub in _concrete(index, cls):
            sub_hierarchy = index.hierarchy(sub)
            if sub_hierarchy.unknown:
                having, lacking = [], []
                break
            (having if use.name in sub_hierarchy.attributes() else lacking).append(sub)
        if not having or not lacking:
            continue
        names = ", ".join(c.name for c in lacking)
        yield Diagnostic(use.location, f"{_shown(use, use.receiver)}: {cls.name} leaves `{use.name}` to the classes "
                         f"that include it, and {names} {'does' if len(lacking) == 1 else 'do'} not define it "
                         f"(as {having[0].name} does), so {_raises(use)} there",
                         tuple(Related(c.location, f"class {c.name} includes {cls.name} without `{use.name}`")
                               for c in lacking))


RULES = (mixin_attribute_missing,)
