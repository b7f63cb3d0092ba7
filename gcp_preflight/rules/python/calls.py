"""PF520-PF521: calls that Python is certain to reject, to project-defined functions, methods and
classes (validators/python/calls.py reads them, rules/python/callables.py resolves them)."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from gcp_preflight.model import Diagnostic, Related, Severity
from gcp_preflight.rules.base import rule
from gcp_preflight.rules.python.callables import Callables, callables, mismatch, written
from gcp_preflight.rules.python.index import ClassRef
from gcp_preflight.validators.python.calls import PyCallSite, PyClassMention, PySignature
from gcp_preflight.validators.python.classes import PyClass

# Handlers that expect the failure (the code probes the callee); a broad `except Exception`
# still loses the call's work, so it does not silence.
TYPE_ERROR_CATCHERS = frozenset({"TypeError"})
NOT_IMPLEMENTED_CATCHERS = frozenset({"NotImplementedError", "RuntimeError"})


def _calls(project) -> Callables:
    return project.memo(callables)


@rule("PF520", "call-signature-mismatch", Severity.ERROR)
def call_signature_mismatch(project):
    """A call to a project function, method or class that its signature rejects (TypeError).

    ## What it does
    Binds each call's arguments to the callee's parameters as Python does, when the callee is
    certain: a module-level function (imported or not), `self.method(...)`/`cls.method(...)` in
    a method, `obj.method(...)` where `obj = SomeClass(...)` is the local's only binding,
    `SomeClass.method(...)`, and `SomeClass(...)` (its nearest `__init__` in the hierarchy, the
    `__init__` that `@dataclass` writes from the fields of every dataclass in the hierarchy,
    or `object`'s, which takes nothing). Reports a keyword the callee does not accept, a
    required argument left out, too many positional arguments, or one argument given twice.

    Silent when the call unpacks `*args` or `**kwargs`, when the callee takes the one it would
    need (`*args` for extra positionals, `**kwargs` for any keyword), when a decorator may change
    the signature (anything but `staticmethod`, `classmethod`, `abstractmethod`, `override`,
    `functools.cache`/`lru_cache`, and project decorators whose `@functools.wraps(func)` wrapper
    calls `func(*args, **kwargs)`), when the class hierarchy is not fully known (PF501's rules)
    or defines `__new__`, when an instance attribute of the same name may shadow the method,
    when the name is bound more than once, and inside `try: ... except TypeError`.

    ## Why is this bad?
    The call raises TypeError every time it runs: a keyword renamed on one side
    (`project_id` became `project`) breaks each caller, and only when that line runs in
    production.

    ## Example
    ```python shared/processors/base.py
    class ProcessorBase:
        def __init__(self, project_id, dataset="nba_raw"):
            self.project_id = project_id
            self.dataset = dataset
    ```
    ```python processors/main.py
    from shared.processors.base import ProcessorBase


    def build():
        return ProcessorBase(project="nba-props")
    ```

    ## Fix
    Pass what the signature takes.
    ```python processors/main.py
    from shared.processors.base import ProcessorBase


    def build():
        return ProcessorBase(project_id="nba-props")
    ```
    """
    calls = _calls(project)
    for site in project.facts(PyCallSite):
        if site.star or TYPE_ERROR_CATCHERS & set(site.catches):
            continue
        callee = calls.callee(site)
        if callee is None:
            continue
        wrong = mismatch(callee, site.positional, site.keywords)
        if wrong is None or (site.kind in ("self", "cls") and _an_override_may_bind(calls, site, callee)):
            continue
        what, hint = wrong
        sig = callee.signature
        shown = f"`{site.receiver}.{site.name}()`" if site.name else f"`{site.owner}()`"
        if sig is None:
            related = (Related(callee.cls.location, f"class {callee.cls.name} is defined here"),)
        else:
            name = f"{sig.owner}.{sig.name}" if sig.owner else sig.name
            if sig.decorators == ("dataclass",):
                related = (Related(sig.location, f"@dataclass writes {name}{written(sig)} from the fields here"),)
            else:
                related = (Related(sig.location, f"{name}{written(sig)} is defined here"),)
        did_you_mean = f"; did you mean `{hint}`?" if hint else ""
        yield Diagnostic(site.location, f"{shown}: {callee.shown} {what}, so this call raises TypeError{did_you_mean}",
                         related)


def _an_override_may_bind(calls: Callables, site: PyCallSite, callee) -> bool:
    """`self.m(...)` runs a subclass's `m` on a subclass instance: unless every override in the
    project rejects the call too, it may be meant for them (a base's stub with a nominal
    signature, `multiprocessing`'s `self._Popen(self)`)."""
    subclasses, maybe = calls.index.subclasses(callee.cls)
    if callee.signature is not None and callee.signature.stub and (maybe or not subclasses):
        return True
    for sub in subclasses:
        if any(m[0] == site.name for m in sub.members):
            override = calls.method(sub, site.name, instance=site.kind != "cls")
            if override is None or mismatch(override, site.positional, site.keywords) is None:
                return True
    return False


@rule("PF521", "abstract-method-called", Severity.ERROR)
def abstract_method_called(project):
    """A concrete class that inherits a method left abstract, where that method is called.

    ## What it does
    For each class the project instantiates (`Processor(...)`) or lists in a module-level
    registry (`{"box": BoxscoresProcessor}`), finds the methods whose nearest definition in its
    hierarchy only raises `NotImplementedError` (or is an `@abstractmethod`), and reports the
    class when such a method is called on it: `self.transform_data()` in a method it inherits
    (a base's template method such as `run()`), or `obj.transform_data()` where
    `obj = ConcreteClass(...)`. A class with an `@abstractmethod` left abstract in an ABC is
    reported where it is instantiated: Python refuses to create it.

    Silent when the hierarchy is not fully known, when the call is inside
    `try: ... except NotImplementedError` (an instantiation inside `except TypeError`), under
    `pytest.raises` of the same, when the class itself defines the stub (deliberately), or when
    the template method calling it is itself overridden in the class.

    ## Why is this bad?
    The class imports, deploys and starts, then raises NotImplementedError on the first run:
    a new processor registered without the one method the base's `run()` needs.

    ## Example
    ```python shared/processors/base.py
    class ProcessorBase:
        def run(self, rows):
            return self.transform_data(rows)

        def transform_data(self, rows):
            raise NotImplementedError
    ```
    ```python processors/registry.py
    from shared.processors.base import ProcessorBase


    class InjuriesProcessor(ProcessorBase):
        def load(self):
            return []


    PROCESSORS = {"injuries": InjuriesProcessor}
    ```

    ## Fix
    Override the method in the concrete class.
    ```python processors/registry.py
    from shared.processors.base import ProcessorBase


    class InjuriesProcessor(ProcessorBase):
        def load(self):
            return []

        def transform_data(self, rows):
            return rows


    PROCESSORS = {"injuries": InjuriesProcessor}
    ```
    """
    calls = _calls(project)
    index = calls.index
    made: dict[tuple[str, str], list] = defaultdict(list)  # class -> where it is made or listed
    sites = [s for s in project.facts(PyCallSite) if not NOT_IMPLEMENTED_CATCHERS & set(s.catches)]
    for site in project.facts(PyCallSite):
        if site.kind == "name":
            found = calls.target(site.path, site.owner)
            if isinstance(found, ClassRef):
                made[(found.cls.path, found.cls.name)].append(site)
    for mention in project.facts(PyClassMention):
        found = calls.target(mention.path, mention.dotted)
        if isinstance(found, ClassRef):
            made[(found.cls.path, found.cls.name)].append(mention)
    inside: dict[tuple[str, str], list[PyCallSite]] = defaultdict(list)  # (class key, method) -> its self calls
    called_on: dict[tuple[str, str], list[PyCallSite]] = defaultdict(list)  # class key -> `obj.m()` calls
    for site in sites:
        if site.kind == "self" and "." in site.function:
            inside[(site.path, site.function)].append(site)
        elif site.kind == "local":
            cls = calls.site_class(site)
            if cls is not None:
                called_on[(cls.path, cls.name)].append(site)
    for key in sorted(made):
        # A registry runs what it lists in ways the check cannot follow, so a listed class's public
        # methods count as called; but not for a base listed beside its subclasses (a registry
        # of every worker class), which only its own instantiations say anything about.
        listed = any(not isinstance(m, PyCallSite) for m in made[key])
        runs_public = listed and not index.subclasses(index.classes[key])[0]
        yield from _left_abstract(calls, index.classes[key], made[key], inside, called_on.get(key, []), runs_public)


def _left_abstract(calls: Callables, cls: PyClass, made: list, inside, called_on,
                   runs_public: bool) -> Iterator[Diagnostic]:
    hierarchy = calls.index.hierarchy(cls)
    if hierarchy.unknown:
        return
    nearest: dict[str, PyClass] = {}  # each method name -> the class its nearest definition is in
    for owner in hierarchy.classes:
        for name, _, kind in owner.members:
            nearest.setdefault(name, owner)
    stubs = {}
    for name, owner in nearest.items():
        sigs = calls.signatures.get((owner.path, owner.name, name), [])
        if len(sigs) == 1 and sigs[0].stub and owner is not cls:  # (a class's own stub is deliberate)
            stubs[name] = (sigs[0], owner)
    if not stubs:
        return
    is_abc = any(any(b in ("ABC", "abc.ABC") for b in c.bases) or any(v in ("ABCMeta", "abc.ABCMeta")
                                                                     for _, v in c.keywords)
                 for c in hierarchy.classes)
    abstract = [stubs[n] for n in sorted(stubs) if "abstractmethod" in stubs[n][0].stub] if is_abc else []
    if abstract:  # Python refuses to create the class at all
        for site in made:
            if isinstance(site, PyCallSite) and not TYPE_ERROR_CATCHERS & set(site.catches):
                yield _cannot_instantiate(cls, abstract, site)
        return
    reported = set()
    # What runs on an instance: the methods called on it (and a listed class's public methods),
    # then what they call on self.
    entries = [(s.name, s) for s in called_on if s.name in nearest]
    if runs_public:
        entries += [(n, None) for n in sorted(nearest) if not n.startswith("_") and n not in stubs]
    seen = set()
    while entries:
        name, via = entries.pop(0)
        if name in stubs and name not in reported and "NotImplementedError" in stubs[name][0].stub:
            reported.add(name)
            stub, owner = stubs[name]
            yield _not_overridden(cls, stub, owner, via, made[0])
            continue
        if name in seen or name in stubs:
            continue
        seen.add(name)
        owner = nearest.get(name)
        if owner is not None:
            entries += [(s.name, s) for s in inside.get((owner.path, f"{owner.name}.{name}"), [])]


def _cannot_instantiate(cls: PyClass, abstract: list, site: PyCallSite) -> Diagnostic:
    names = ", ".join(f"`{stub.name}`" for stub, _ in abstract)
    owners = ", ".join(dict.fromkeys(owner.name for _, owner in abstract))
    return Diagnostic(site.location, f"`{site.owner}()`: {cls.name} does not override {names}, which {owners} "
                      f"{'marks' if len(abstract) == 1 else 'mark'} @abstractmethod, so creating it raises TypeError "
                      f"(can't instantiate abstract class)",
                      (*(Related(stub.location, f"{owner.name}.{stub.name} is abstract here")
                         for stub, owner in abstract),
                       Related(cls.location, f"class {cls.name} is defined here")))


def _not_overridden(cls: PyClass, stub: PySignature, owner: PyClass, caller: PyCallSite, made) -> Diagnostic:
    how = "only raises NotImplementedError"
    where = f"{caller.function}() calls `{caller.receiver}.{stub.name}()`"
    used = "is instantiated" if isinstance(made, PyCallSite) else "is listed in a registry"
    return Diagnostic(cls.location, f"{cls.name} does not override `{stub.name}`, which {owner.name} leaves to "
                      f"subclasses (it {how}); {where}, so running {_a(cls.name)} raises NotImplementedError",
                      (Related(stub.location, f"{owner.name}.{stub.name} is defined here"),
                       Related(caller.location, f"`{stub.name}` is called here"),
                       Related(made.location, f"{cls.name} {used} here")))


def _a(name: str) -> str:
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


RULES = (call_signature_mismatch, abstract_method_called)
