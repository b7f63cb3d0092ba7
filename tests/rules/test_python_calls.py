"""PF520-PF523: calls the signature rejects, abstract methods left abstract, KeyError at import,
mixin attributes some including classes lack; and attribute reads (not calls) under PF501/PF502.
Each reported case at its exact line; each silent case on its own."""

import pytest

from tests.helpers import assert_marks, found, run, write_repo

BASE = {
    "shared/__init__.py": "",
    "shared/processors/__init__.py": "",
    "shared/processors/base.py": """
        class ProcessorBase:
            def __init__(self, project_id, dataset="nba_raw", *, strict=False):
                self.project_id = project_id
                self.dataset = dataset
                self.strict = strict

            def save_rows(self, rows, table, retries=3):
                return len(rows)

            @classmethod
            def from_env(cls, env):
                return cls(env)

            @staticmethod
            def table_for(name):
                return name

            def run(self, rows):
                self.load_data()
                return self.transform_data(rows)

            def load_data(self):
                return None

            def transform_data(self, rows):
                raise NotImplementedError("subclasses transform")
        """,
}


# -- PF520 ---------------------------------------------------------------------------------------
def test_signature_mismatches_reported_at_the_call(tmp_path):
    write_repo(tmp_path, {**BASE, "processors/box.py": """
        from shared.processors.base import ProcessorBase
        from shared.processors import base


        def helper(a, b=1):
            return a + b


        class BoxProcessor(ProcessorBase):
            def transform_data(self, rows):
                self.save_rows(rows, "box", 3, 4)  # expect: PF520
                self.helper_with_override(1)  # expect: PF520
                self.save_rows(rows)  # expect: PF520
                self.save_rows(rows, "box", table="t")  # expect: PF520
                self.save_rows(rows, "box", retry=2)  # expect: PF520
                self.table_for("a", "b")  # expect: PF520
                return self.save_rows(rows, table="box")

            def helper_with_override(self):
                return None


        class LeafProcessor(BoxProcessor):
            def helper_with_override(self):  # rejects the call too
                return 1


        def build():
            box = BoxProcessor(project="p")  # expect: PF520
            box.save_rows([], "t", tries=1)  # expect: PF520
            ProcessorBase.from_env()  # expect: PF520
            ProcessorBase.table_for(1, 2)  # expect: PF520
            base.ProcessorBase("p", "d", "x")  # expect: PF520
            helper()  # expect: PF520
            helper(1, 2, 3)  # expect: PF520
            helper(1, c=3)  # expect: PF520
            ProcessorBase("p", strict=True, dataset="d")
            return box, helper(1), helper(a=1, b=2)
        """})
    assert_marks(tmp_path, select=("PF520",))


def test_signature_mismatch_message_and_related(tmp_path):
    write_repo(tmp_path, {**BASE, "processors/main.py": """
        from shared.processors.base import ProcessorBase


        def build():
            return ProcessorBase(project="nba-props")
        """})
    [finding] = run(tmp_path, select=("PF520",))
    assert finding.message == ("`ProcessorBase()`: ProcessorBase() got an unexpected keyword argument `project`, so "
                               "this call raises TypeError; did you mean `project_id`?")
    assert (finding.location.path, finding.location.line, finding.location.column) == ("processors/main.py", 5, 12)
    assert [(r.location.path, r.location.line, r.message) for r in finding.related] == [
        ("shared/processors/base.py", 2,
         "ProcessorBase.__init__(self, project_id, dataset=..., *, strict=...) is defined here")]


def test_missing_and_too_many_messages(tmp_path):
    write_repo(tmp_path, {"app.py": """
        def pair(a, b, *, key):
            return a, b, key


        def use():
            pair(1)
            pair(1, 2, 3, key=4)
            pair(1, 2)
            pair(1, a=2, key=3)
        """})
    assert [f.message for f in run(tmp_path, select=("PF520",))] == [
        "`pair()`: pair() is missing 1 required positional argument: `b`, so this call raises TypeError",
        "`pair()`: pair() takes 2 positional arguments but 3 were given, so this call raises TypeError",
        "`pair()`: pair() is missing 1 required keyword-only argument: `key`, so this call raises TypeError",
        "`pair()`: pair() got multiple values for argument `a`, so this call raises TypeError",
    ]


def test_decorators_built_with_functools_wraps_keep_the_signature(tmp_path):
    write_repo(tmp_path, {
        "shared/retry.py": """
            import functools
            from functools import wraps


            def logged(func):
                @functools.wraps(func)
                def wrapper(*args, **kwargs):
                    print(func.__name__)
                    return func(*args, **kwargs)
                return wrapper


            def retry(times=3):
                def decorate(func):
                    @wraps(func)
                    def wrapper(*args, **kwargs):
                        for _ in range(times):
                            try:
                                return func(*args, **kwargs)
                            except ConnectionError:
                                pass
                    return wrapper
                return decorate


            def swallow(func):
                @functools.wraps(func)
                def wrapper(*args, **kwargs):
                    return func(*args[1:], **kwargs)
                return wrapper
            """,
        "jobs/main.py": """
            from shared.retry import logged, retry, swallow


            @logged
            def publish(topic, message):
                return topic, message


            @retry(times=5)
            def fetch(url):
                return url


            @swallow
            def shifted(a):
                return a


            def handler():
                publish("topic", body="x")  # expect: PF520
                fetch()  # expect: PF520
                shifted(1, 2)
                return publish("t", "m"), fetch("u")
            """,
    })
    assert_marks(tmp_path, select=("PF520",))


def test_dataclass_fields_across_bases_and_classes_without_init(tmp_path):
    write_repo(tmp_path, {"models.py": """
        from dataclasses import KW_ONLY, dataclass, field
        from typing import ClassVar


        @dataclass
        class Row:
            game_id: str
            points: int = 0
            kind: ClassVar[str] = "row"


        @dataclass(frozen=True)
        class PlayerRow(Row):
            player: str = ""
            cache: dict = field(default_factory=dict, init=False)
            _: KW_ONLY
            source: str = "nba"


        class Plain:
            pass


        def make():
            Row("g", 1, 2)  # expect: PF520
            Row(points=1)  # expect: PF520
            PlayerRow("g", 1, "p", "nba")  # expect: PF520
            PlayerRow("g", cache={})  # expect: PF520
            Plain(1)  # expect: PF520
            Plain()
            return Row("g"), PlayerRow("g", 1, "p", source="x"), Row(game_id="g", points=2)
        """})
    assert_marks(tmp_path, select=("PF520",))
    messages = [f.message for f in run(tmp_path, select=("PF520",))]
    assert messages[0] == ("`Row()`: Row() takes from 2 to 3 positional arguments but 4 were given, so this call "
                           "raises TypeError")
    assert messages[-1] == ("`Plain()`: Plain() takes no arguments (its class and bases define no __init__), so this "
                            "call raises TypeError")


def test_too_many_positional_counts_self_as_python_does(tmp_path):
    write_repo(tmp_path, {"mail.py": """
        class MailOutput:
            def expand_recipients(self, mail, config=None):
                return mail

            def output(self, mail):
                return self.expand_recipients(self, mail, {})
        """})
    [finding] = run(tmp_path, select=("PF520",))
    assert finding.message == ("`self.expand_recipients()`: MailOutput.expand_recipients() takes from 2 to 3 "
                               "positional arguments but 4 were given, so this call raises TypeError")


def test_inherited_constructor_across_modules_and_reexports(tmp_path):
    write_repo(tmp_path, {
        **BASE,
        "shared/processors/__init__.py": "from .base import ProcessorBase as Base\n",
        "processors/odds.py": """
            from shared.processors import Base


            class OddsProcessor(Base):
                def transform_data(self, rows):
                    return rows


            def handler():
                return OddsProcessor("p", "d", True)  # expect: PF520
            """,
    })
    assert_marks(tmp_path, select=("PF520",))


PF520_SILENT = {
    "a repeated keyword is the compiler's SyntaxError (PF002)": """
        def f(a, b=1):
            return a
        f(1, b=2, b=3)
        """,
    "callee takes **kwargs": """
        def f(a, **options):
            return a
        f(1, anything=2)
        """,
    "callee takes *args": """
        def f(a, *rest):
            return a
        f(1, 2, 3)
        """,
    "call unpacks *args": """
        def f(a):
            return a
        f(*[1, 2])
        """,
    "call unpacks **kwargs": """
        def f(a):
            return a
        f(**{"b": 1})
        """,
    "decorator that may change the signature": """
        import click

        @click.command()
        def f(a):
            return a
        f()
        """,
    "project decorator": """
        def retry(func):
            def wrapper(*args, **kwargs):
                return func(*args, **kwargs)
            return wrapper

        @retry
        def f(a):
            return a
        f()
        """,
    "property called": """
        class C:
            @property
            def handler(self):
                return print

            def go(self):
                self.handler(1, 2, 3)
        """,
    "base outside the project": """
        from pydantic import BaseModel

        class Row(BaseModel):
            game_id: str
        Row(game_id="g", extra=1)
        """,
    "class defines __new__": """
        class C:
            def __new__(cls, *args):
                return object.__new__(cls)
        C(1, 2)
        """,
    "enum lookup by value": """
        from enum import Enum

        class Color(Enum):
            RED = "red"
        Color("red")
        """,
    "named tuple": """
        from typing import NamedTuple

        class P(NamedTuple):
            x: int
        P(1)
        """,
    "instance attribute shadows the method": """
        class C:
            def __init__(self, hook=None):
                if hook:
                    self.notify = hook

            def notify(self):
                return None

            def go(self):
                self.notify("message")
        """,
    "method assigned from outside": """
        class C:
            def notify(self):
                return None

        def patch(c):
            c.notify = print
            c2 = C()
            c2.notify("x")
        """,
    "function bound twice": """
        try:
            from fast import f
        except ImportError:
            def f(a):
                return a
        f()
        """,
    "local shadows the module-level function": """
        def f(a):
            return a

        def g(f):
            return f()
        """,
    "inside try/except TypeError": """
        def f(a):
            return a

        try:
            f()
        except TypeError:
            pass
        """,
    "inside pytest.raises(TypeError)": """
        import pytest

        def f(a):
            return a

        def test_f():
            with pytest.raises(TypeError):
                f()
        """,
    "dataclass with an option not read": """
        from dataclasses import dataclass

        INIT = True

        @dataclass(init=INIT)
        class Row:
            a: int
        Row()
        """,
    "receiver rebound": """
        class C:
            def f(self, a):
                return a

            def g(self):
                self = other()
                self.f()
        """,
    "method defined twice (setter, overload)": """
        class C:
            def f(self, a):
                return a

            def f(self):
                return 1

            def g(self):
                self.f()
        """,
    "a subclass override accepts the call": """
        class BaseProcess:
            def _Popen(self):
                raise NotImplementedError

            def start(self):
                self._popen = self._Popen(self)

        class Process(BaseProcess):
            @staticmethod
            def _Popen(process_obj):
                return process_obj
        """,
    "a stub whose implementations are outside the project": """
        class Base:
            def fetch(self):
                raise NotImplementedError

            def run(self):
                return self.fetch("url")
        """,
    "class attribute bound to a function": """
        def impl(a, b):
            return a

        class C:
            run = impl

            def g(self):
                self.run(1)
        """,
}


@pytest.mark.parametrize("name", sorted(PF520_SILENT))
def test_pf520_silent(tmp_path, name):
    write_repo(tmp_path, {"mod.py": PF520_SILENT[name]})
    assert found(tmp_path, select=("PF520",)) == []


# -- PF521 ---------------------------------------------------------------------------------------
def test_template_method_calls_a_stub_the_concrete_class_left(tmp_path):
    write_repo(tmp_path, {**BASE, "processors/injuries.py": """
        from shared.processors.base import ProcessorBase


        class InjuriesProcessor(ProcessorBase):  # expect: PF521
            def load_data(self):
                return []


        def handler():
            processor = InjuriesProcessor("p")
            return processor.run([])
        """})
    assert_marks(tmp_path, select=("PF521",))
    [finding] = run(tmp_path, select=("PF521",))
    assert finding.message == (
        "InjuriesProcessor does not override `transform_data`, which ProcessorBase leaves to subclasses (it only "
        "raises NotImplementedError); ProcessorBase.run() calls `self.transform_data()`, so running an "
        "InjuriesProcessor raises NotImplementedError")
    assert [(r.location.path, r.location.line, r.message) for r in finding.related] == [
        ("shared/processors/base.py", 25, "ProcessorBase.transform_data is defined here"),
        ("shared/processors/base.py", 20, "`transform_data` is called here"),
        ("processors/injuries.py", 10, "InjuriesProcessor is instantiated here"),
    ]


def test_registry_listed_class_and_abc_instantiation(tmp_path):
    write_repo(tmp_path, {**BASE, "processors/registry.py": """
        from abc import ABC, abstractmethod

        from shared.processors.base import ProcessorBase


        class OddsProcessor(ProcessorBase):  # expect: PF521
            def load_data(self):
                return []


        class Exporter(ABC):
            @abstractmethod
            def export(self, rows):
                ...

            def run(self, rows):
                return self.export(rows)


        class CsvExporter(Exporter):
            def write(self):
                return None


        PROCESSORS = {"odds": OddsProcessor}


        def make():
            return CsvExporter()  # expect: PF521
        """})
    assert_marks(tmp_path, select=("PF521",))
    messages = [f.message for f in run(tmp_path, select=("PF521",))]
    assert messages[1] == ("`CsvExporter()`: CsvExporter does not override `export`, which Exporter marks "
                           "@abstractmethod, so creating it raises TypeError (can't instantiate abstract class)")


PF521_SILENT = {
    "overridden in the concrete class": """
        class Base:
            def run(self):
                return self.step()

            def step(self):
                raise NotImplementedError

        class Impl(Base):
            def step(self):
                return 1
        Impl().run()
        """,
    "overridden in an intermediate base": """
        class Base:
            def run(self):
                return self.step()

            def step(self):
                raise NotImplementedError

        class Middle(Base):
            def step(self):
                return 1

        class Impl(Middle):
            pass

        def go():
            impl = Impl()
            impl.run()
        """,
    "never instantiated or listed": """
        class Base:
            def run(self):
                return self.step()

            def step(self):
                raise NotImplementedError

        class Impl(Base):
            pass
        """,
    "instantiated, but nothing calls into the stub": """
        class Base:
            def run(self):
                return self.step()

            def step(self):
                raise NotImplementedError

        class Impl(Base):
            def other(self):
                return 1

        def go():
            impl = Impl()
            impl.other()
        """,
    "the calling template method is overridden": """
        class Base:
            def run(self):
                return self.step()

            def step(self):
                raise NotImplementedError

        class Impl(Base):
            def run(self):
                return 2

        def go():
            impl = Impl()
            impl.run()
        """,
    "caught NotImplementedError": """
        class Base:
            def run(self):
                try:
                    return self.hook()
                except NotImplementedError:
                    return None

            def hook(self):
                raise NotImplementedError

        class Impl(Base):
            pass

        def go():
            impl = Impl()
            impl.run()
        """,
    "a test expects it": """
        import pytest

        class Base:
            def run(self):
                raise NotImplementedError

        class Impl(Base):
            pass

        def test_run():
            impl = Impl()
            with pytest.raises(NotImplementedError):
                impl.run()
        """,
    "the class's own deliberate stub": """
        class Base:
            def run(self):
                return self.transform()

            def transform(self):
                return 1

        class Movement(Base):
            def transform(self):
                raise NotImplementedError("uses process_trades instead")

        def go():
            m = Movement()
            m.run()
        """,
    "a body that raises only in one branch": """
        class Base:
            def run(self):
                return self.step(1)

            def step(self, x):
                if x:
                    return x
                raise NotImplementedError

        class Impl(Base):
            pass

        def go():
            impl = Impl()
            impl.run()
        """,
    "abstractmethod with a body outside an ABC": """
        from abc import abstractmethod

        class Base:
            def run(self):
                return self.step()

            @abstractmethod
            def step(self):
                return None

        class Impl(Base):
            pass

        def go():
            impl = Impl()
            impl.run()
        """,
    "a test expects the abstract class to refuse instantiation": """
        from abc import ABC, abstractmethod

        import pytest

        class Exporter(ABC):
            @abstractmethod
            def export(self):
                ...

        class Partial(Exporter):
            pass

        def test_partial():
            with pytest.raises(TypeError):
                Partial()
        """,
    "base outside the project": """
        from lib import Worker

        class Base(Worker):
            def run(self):
                return self.step()

            def step(self):
                raise NotImplementedError

        class Impl(Base):
            pass

        def go():
            impl = Impl()
            impl.run()
        """,
    "a base listed beside its subclasses": """
        class Base:
            def run(self):
                return self.step()

            def step(self):
                raise NotImplementedError

        class Middle(Base):
            def helper(self):
                return 2

        class Impl(Middle):
            def step(self):
                return 1

        WORKERS = {"Middle": Middle, "Impl": Impl}

        def test_middle_helpers():
            middle = Middle()
            middle.helper()
        """,
}


@pytest.mark.parametrize("name", sorted(PF521_SILENT))
def test_pf521_silent(tmp_path, name):
    write_repo(tmp_path, {"mod.py": PF521_SILENT[name]})
    assert found(tmp_path, select=("PF521",)) == []


# -- PF522 ---------------------------------------------------------------------------------------
def test_import_time_lookups_with_missing_keys(tmp_path):
    write_repo(tmp_path, {
        "shared/__init__.py": "",
        "shared/paths.py": """
            TEMPLATES = {"boxscores": "raw/box/{date}", "injuries": "raw/inj/{date}"}
            ODDS = TEMPLATES["odds"]  # expect: PF522
            BOX = TEMPLATES["boxscores"]


            def get_path(key):
                return TEMPLATES[key]


            def default_path():
                return TEMPLATES["default"]


            class Builder:
                PATHS = {"box": "b", "odds": "o"}
                FIRST = PATHS["first"]  # expect: PF522

                @classmethod
                def path(cls, key):
                    return cls.PATHS[key]


            class OddsPaths:
                KEY = "props"
                PATH = Builder.path(KEY)  # expect: PF522
                OTHER = get_path("odds")  # expect: PF522
                FINE = Builder.path("box")


            DEFAULT = default_path()  # expect: PF522
            """,
        "jobs/main.py": """
            from shared.paths import TEMPLATES, get_path
            from shared import paths

            INJURIES = get_path("injury")  # expect: PF522
            GAMES = paths.TEMPLATES["games"]  # expect: PF522
            LATER = TEMPLATES["injuries"]


            def handler():
                return get_path("nothing"), TEMPLATES["nothing"]


            if __name__ == "__main__":
                print(TEMPLATES["cli"])
            """,
    })
    assert_marks(tmp_path, select=("PF522",))
    messages = {f.location.line: f.message for f in run(tmp_path, select=("PF522",))
                if f.location.path == "shared/paths.py"}
    assert messages[2] == ("`TEMPLATES['odds']` runs at import time and TEMPLATES has no key 'odds', so importing "
                           "this module raises KeyError")
    assert messages[25] == ("`Builder.path()` runs at import time with 'props' as `key`, and Builder.path() looks "
                            "'props' up in PATHS, which has no such key, so importing this module raises KeyError")
    assert messages[30] == ("`default_path()` runs at import time, and default_path() looks 'default' up in "
                            "TEMPLATES, which has no such key, so importing this module raises KeyError")


PF522_SILENT = {
    "looked up with .get": """
        D = {"a": 1}
        X = D.get("b")
        """,
    "inside try/except KeyError": """
        D = {"a": 1}
        try:
            X = D["b"]
        except KeyError:
            X = None
        """,
    "set elsewhere in the project": """
        D = {"a": 1}
        X = D["b"]

        def register(name):
            D[name] = 1
        """,
    "updated": """
        D = {"a": 1}
        D.update(b=2)
        X = D["b"]
        """,
    "bound twice": """
        D = {"a": 1}
        if True:
            D = {"b": 1}
        X = D["b"]
        """,
    "computed key in the literal": """
        K = "b"
        D = {"a": 1, K: 2}
        X = D["b"]
        """,
    "unpacked dict in the literal": """
        BASE = {"b": 1}
        D = {"a": 1, **BASE}
        X = D["b"]
        """,
    "membership test in the function": """
        D = {"a": 1}

        def get(key):
            if key not in D:
                return None
            return D[key]
        X = get("b")
        """,
    "function called only at run time": """
        D = {"a": 1}

        def get(key):
            return D[key]

        def handler():
            return get("b")
        """,
    "argument not a literal": """
        import os
        D = {"a": 1}

        def get(key):
            return D[key]
        X = get(os.environ["KEY"])
        """,
    "local dict of the same name": """
        D = {"a": 1}

        def get(key):
            D = {"b": 2}
            return D[key]
        X = get("b")
        """,
    "inside a lambda at module level": """
        D = {"a": 1}
        get_b = lambda: D["b"]
        """,
    "run as a script only": """
        D = {"a": 1}
        if __name__ == "__main__":
            print(D["b"])
        """,
}


@pytest.mark.parametrize("name", sorted(PF522_SILENT))
def test_pf522_silent(tmp_path, name):
    write_repo(tmp_path, {"mod.py": PF522_SILENT[name]})
    assert found(tmp_path, select=("PF522",)) == []


def test_pf522_silent_when_another_module_sets_the_key(tmp_path):
    write_repo(tmp_path, {
        "config.py": 'D = {"a": 1}\n',
        "plugins.py": 'from config import D\nD["b"] = 2\n',
        "app.py": 'from config import D\nX = D["b"]\n',
    })
    assert found(tmp_path, select=("PF522",)) == []


# -- PF523 and attribute reads ---------------------------------------------------------------------
def test_mixin_attribute_missing_in_one_including_class(tmp_path):
    write_repo(tmp_path, {
        "processors/dedup.py": """
            class DedupMixin:
                def dedup(self, rows):
                    handler = self.on_duplicate
                    return self.check_duplicates(rows, handler)  # expect: PF523
            """,
        "processors/box.py": """
            from processors.dedup import DedupMixin


            class BoxscoresProcessor(DedupMixin):
                def check_duplicates(self, rows, handler):
                    return rows

                def on_duplicate(self, row):
                    return row


            class OddsProcessor(DedupMixin):
                def on_duplicate(self, row):
                    return row
            """,
    })
    assert_marks(tmp_path, select=("PF5",))
    [finding] = run(tmp_path, select=("PF523",))
    assert finding.message == (
        "`self.check_duplicates()`: DedupMixin leaves `check_duplicates` to the classes that include it, and "
        "OddsProcessor does not define it (as BoxscoresProcessor does), so this call raises AttributeError there")
    assert [(r.location.path, r.location.line) for r in finding.related] == [("processors/box.py", 12)]


PF523_SILENT = {
    "every including class defines it": """
        class M:
            def go(self):
                return self.x()

        class A(M):
            def x(self):
                return 1

        class B(M):
            x = staticmethod(print)
        """,
    "the class lacking it is abstract": """
        class M:
            def go(self):
                return self.x()

        class A(M):
            def x(self):
                return 1

        class BBase(M):
            def y(self):
                raise NotImplementedError
        """,
    "the class lacking it has a subclass that defines it": """
        class M:
            def go(self):
                return self.x()

        class A(M):
            def x(self):
                return 1

        class B(M):
            pass

        class C(B):
            def x(self):
                return 2
        """,
    "a class including it has an unknown base": """
        from lib import Thing

        class M:
            def go(self):
                return self.x()

        class A(M):
            def x(self):
                return 1

        class B(M, Thing):
            pass
        """,
    "probed with hasattr": """
        class M:
            def go(self):
                if hasattr(self, "x"):
                    return self.x()

        class A(M):
            def x(self):
                return 1

        class B(M):
            pass
        """,
    "inside try/except AttributeError": """
        class M:
            def go(self):
                try:
                    return self.x()
                except AttributeError:
                    return None

        class A(M):
            def x(self):
                return 1

        class B(M):
            pass
        """,
}


@pytest.mark.parametrize("name", sorted(PF523_SILENT))
def test_pf523_silent(tmp_path, name):
    write_repo(tmp_path, {"mod.py": PF523_SILENT[name]})
    assert found(tmp_path, select=("PF523",)) == []


def test_mixin_attribute_that_no_including_class_defines_is_pf501(tmp_path):
    write_repo(tmp_path, {"mod.py": """
        class M:
            def go(self):
                return self.x()  # expect: PF501

        class A(M):
            pass

        class B(M):
            pass
        """})
    assert_marks(tmp_path, select=("PF5",))


def test_attribute_reads_not_calls_are_reported_by_pf501_and_pf502(tmp_path):
    # Issue 19 item 2: `self.parse_minutes` passed as a callback, `self.config_path` read.
    write_repo(tmp_path, {"mod.py": """
        class Parser:
            def __init__(self):
                self.config = {}

            def parse_mins(self, value):
                return value

            def run(self, rows):
                path = self.config_path  # expect: PF501
                return path, list(map(self.parse_minutes, rows))  # expect: PF501


        def use():
            parser = Parser()
            return parser.parse_minutes, Parser.parse_minutes  # expect: PF502 PF502
        """})
    assert_marks(tmp_path, select=("PF5",))
    messages = [f.message for f in run(tmp_path, select=("PF501",))]
    assert messages[1] == ("`self.parse_minutes`: `parse_minutes` is not defined by class Parser, so reading it "
                           "raises AttributeError; did you mean `parse_mins`?")
