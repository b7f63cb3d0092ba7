"""PF501-PF504: project-aware Python checks, at the exact line, and silent when not certain."""

from tests.helpers import assert_marks, found, run, write_repo

BASE = {
    "shared/__init__.py": "",
    "shared/processors/__init__.py": "",
    "shared/processors/base.py": """
        class ProcessorBase:
            table_name = ""

            def __init__(self, project_id=None):
                self.project_id = project_id

            @property
            def table_id(self):
                return f"{self.project_id}.{self.table_name}"

            def save_rows_to_bigquery(self, rows):
                return len(rows)

            def process(self, payload):
                raise NotImplementedError
        """,
}


def test_self_method_missing_in_hierarchy_with_suggestion(tmp_path):
    write_repo(tmp_path, {**BASE, "processors/box.py": """
        from shared.processors.base import ProcessorBase


        class BoxscoresProcessor(ProcessorBase):
            table_name = "box"

            def process(self, payload):
                rows = [dict(r) for r in payload]
                self.rows = rows
                print(self.table_id, self.project_id, self.rows)
                return self.save_rows(rows)  # expect: PF501
        """})
    assert_marks(tmp_path, select=("PF5",))
    [finding] = run(tmp_path, select=("PF501",))
    assert finding.message == (
        "`self.save_rows()`: `save_rows` is not defined by BoxscoresProcessor or its bases (ProcessorBase), so this "
        "call raises AttributeError; did you mean `save_rows_to_bigquery`?")
    assert (finding.location.line, finding.location.column, finding.location.end_column) == (11, 21, 30)
    assert [(r.location.path, r.location.line, r.message) for r in finding.related] == [
        ("shared/processors/base.py", 11, "`save_rows_to_bigquery` is defined here, in ProcessorBase")]


def test_bases_through_relative_imports_package_reexports_and_module_aliases(tmp_path):
    write_repo(tmp_path, {
        "pkg/__init__.py": "from .base import Base as ExportedBase\n",
        "pkg/base.py": """
            class Base:
                def load(self):
                    self.loaded = True
            """,
        "pkg/mid.py": """
            from . import ExportedBase


            class Middle(ExportedBase):
                def run(self):
                    return self.load() or self.loaded or self.lod()  # expect: PF501
            """,
        "app/main.py": """
            import pkg.mid as mid


            class Leaf(mid.Middle):
                def go(self):
                    self.run()
                    self.runn()  # expect: PF501
            """,
    })
    assert_marks(tmp_path, select=("PF5",))


def test_cloud_function_copy_of_shared_is_the_base_it_imports(tmp_path):
    # The function's own copy of shared/ lacks the method the root copy has: the deployed code
    # imports the copy, so the call fails there and only there.
    write_repo(tmp_path, {
        "shared/base.py": "class Base:\n    def publish(self):\n        pass\n    def notify(self):\n        pass\n",
        "functions/f1/shared/base.py": "class Base:\n    def publish(self):\n        pass\n",
        "functions/f1/main.py": """
            from shared.base import Base


            class Handler(Base):
                def handle(self):
                    self.publish()
                    self.notify()  # expect: PF501
            """,
        "jobs/main.py": """
            from shared.base import Base


            class Handler(Base):
                def handle(self):
                    self.notify()
            """,
    })
    assert_marks(tmp_path, select=("PF5",))


def test_symlinked_shared_folder_resolves_to_its_target(tmp_path):
    write_repo(tmp_path, {
        "shared/utils/base.py": "class Base:\n    def publish(self):\n        pass\n",
        "functions/f1/shared/utils": "-> ../../../shared/utils",
        "functions/f1/main.py": """
            from shared.utils.base import Base


            class Handler(Base):
                def handle(self):
                    self.publsh()  # expect: PF501
            """,
    })
    assert_marks(tmp_path, select=("PF5",))


def test_attributes_defined_anywhere_in_the_hierarchy_are_not_reported(tmp_path):
    write_repo(tmp_path, {"app/models.py": """
        from abc import ABC
        from dataclasses import dataclass, field


        class Base(ABC):
            kind = "base"

            def __init__(self):
                self.ready = False

            @classmethod
            def make(cls):
                cls.registry = {}
                return cls()


        @dataclass
        class Config(Base):
            name: str
            tags: list = field(default_factory=list)
            __slots__ = ("extra",)

            def describe(self):
                for self.cursor in range(2):
                    pass
                with open("x") as self.handle:
                    pass
                return (self.name, self.tags, self.kind, self.ready, self.registry, self.extra, self.cursor,
                        self.handle, self.make, self.__class__, self.__dict__, Config.make())
        """})
    assert found(tmp_path, select=("PF5",)) == []


SILENT_CASES = {
    "external base": """
        from somewhere import ExternalBase


        class C(ExternalBase):
            def f(self):
                return self.anything()
        """,
    "unresolvable base": """
        class C(Missing):
            def f(self):
                return self.anything()
        """,
    "getattr hook in a base": """
        class B:
            def __getattr__(self, name):
                return name


        class C(B):
            def f(self):
                return self.anything()
        """,
    "getattribute": """
        class C:
            def __getattribute__(self, name):
                return name

            def f(self):
                return self.anything()
        """,
    "setattr with a computed name": """
        class C:
            def __init__(self, **kw):
                for k, v in kw.items():
                    setattr(self, k, v)

            def f(self):
                return self.anything()
        """,
    "__dict__ update": """
        class C:
            def __init__(self, **kw):
                self.__dict__.update(kw)

            def f(self):
                return self.anything()
        """,
    "metaclass": """
        class Meta(type):
            pass


        class C(metaclass=Meta):
            def f(self):
                return self.anything()
        """,
    "decorator that may replace the class": """
        import attr


        @attr.s
        class C:
            def f(self):
                return self.anything()
        """,
    "mixin from outside the project": """
        from lib import LoggingMixin


        class C(LoggingMixin):
            def f(self):
                return self.log()
        """,
    "a subclass defines it": """
        class Base:
            def run(self):
                return self.process()


        class Impl(Base):
            def process(self):
                return 1
        """,
    "an ABC leaves it to subclasses": """
        from abc import ABC


        class Base(ABC):
            def run(self):
                return self.process()
        """,
    "NotImplementedError leaves it to subclasses": """
        class Base:
            def step(self):
                raise NotImplementedError

            def run(self):
                return self.process()
        """,
    "a mixin whose host defines it": """
        class JsonMixin:
            def dump(self):
                return self.to_dict()


        class Host:
            def to_dict(self):
                return {}


        class Model(JsonMixin, Host):
            pass
        """,
    "a base with no subclasses in the project": """
        class ParserBase:
            def parse(self):
                return self.rawdata
        """,
    "assigned on the object from outside": """
        class C:
            def f(self):
                return self.late


        def build():
            c = C()
            c.late = 1
            return c
        """,
    "probed with hasattr": """
        class C:
            def f(self):
                if hasattr(self, "cache"):
                    return self.cache
        """,
    "inside try/except AttributeError": """
        class C:
            def f(self):
                try:
                    return self.legacy()
                except AttributeError:
                    return None
        """,
    "class defined twice": """
        try:
            from fast import C
        except ImportError:
            class C:
                def f(self):
                    return self.anything()
        """,
    "self handed to argparse": """
        import argparse


        class Program:
            def __init__(self):
                argparse.ArgumentParser().parse_args(namespace=self)

            def run(self):
                return self.verbose
        """,
    "class handed to code that sets computed attributes": """
        def defproperty(klass, name):
            setattr(klass, name, property(lambda self: 1))


        class Attr:
            def f(self):
                return self.localName


        defproperty(Attr, "localName")
        """,
    "classes made with type()": """
        class Header:
            def parse(self):
                return self._parse_tree


        def make(cls, base):
            return type("_" + cls.__name__, (cls, base), {})
        """,
    "self rebound": """
        class C:
            def f(self):
                self = other()
                return self.anything()
        """,
    "staticmethod first parameter is not self": """
        class C:
            @staticmethod
            def f(self):
                return self.anything()
        """,
    "enum subclass of a mixin type": """
        from enum import Enum


        class Color(str, Enum):
            RED = "red"

            def f(self):
                return self.upper()
        """,
}


def test_silent_when_not_certain(tmp_path):
    for i, (name, source) in enumerate(SILENT_CASES.items()):
        write_repo(tmp_path, {f"case{i}.py": source})
    assert run(tmp_path, select=("PF50",)) == []


def test_each_silent_case_is_silent_on_its_own(tmp_path):
    # A case must be silent by its own reason, not because another file's dynamics spilled over.
    for i, (name, source) in enumerate(SILENT_CASES.items()):
        root = tmp_path / str(i)
        write_repo(root, {"mod.py": source})
        assert found(root, select=("PF50",)) == [], name


def test_constructor_typed_local_and_class_attribute(tmp_path):
    write_repo(tmp_path, {
        "shared/utils/reports.py": """
            class ReportClient:
                retries = 3

                def __init__(self):
                    self.sent = 0

                def send_summary(self, text):
                    self.sent += 1

                @classmethod
                def default(cls):
                    return cls()
            """,
        "orchestration/main.py": """
            from shared.utils import reports
            from shared.utils.reports import ReportClient


            def finish(summary):
                client = ReportClient()
                client.send_summary(summary)
                client.send_report(summary)  # expect: PF502
                print(client.sent, client.retries)
                return ReportClient.default(), reports.ReportClient.retrys  # expect: PF502


            def rebinds(summary, other):
                client = ReportClient()
                if other:
                    client = other
                client.send_report(summary)


            def parameter(client):
                client.send_report(1)


            def shadowed():
                ReportClient = make()
                return ReportClient.anything
            """,
    })
    assert_marks(tmp_path, select=("PF50",))
    first = run(tmp_path, select=("PF502",))[0]
    assert first.message == (
        "`client.send_report()`: `client` is a ReportClient, which has no attribute `send_report`, "
        "so this call raises AttributeError; did you mean `send_summary`?")
    assert [(r.location.path, r.location.line) for r in first.related] == [
        ("orchestration/main.py", 6), ("shared/utils/reports.py", 7)]


def test_constructor_silent_when_new_or_dynamic(tmp_path):
    write_repo(tmp_path, {"mod.py": """
        class Pooled:
            def __new__(cls):
                return object.__new__(Other)


        class Other:
            def __getattr__(self, name):
                return name


        def use():
            a = Pooled()
            b = Other()
            return a.anything, b.anything
        """})
    assert found(tmp_path, select=("PF5",)) == []


def test_enum_member(tmp_path):
    write_repo(tmp_path, {
        "shared/status.py": """
            import enum


            class RunStatus(enum.Enum):
                SUCCESS = "success"
                FAILED = "failed"

                @property
                def done(self):
                    return self is RunStatus.SUCCESS


            class Level(int, enum.Enum):
                LOW = 1


            class Bits(enum.IntFlag):
                A = 1
            """,
        "main.py": """
            from shared.status import Bits, Level, RunStatus


            def check(status):
                ok = status in (RunStatus.SUCCESS, RunStatus.FAILED)
                names = [RunStatus.SUCCESS.name, RunStatus.__members__, RunStatus.done, Level.LOW.bit_length()]
                return ok, names, Bits.A | Bits.B, RunStatus.SUCCEEDED  # expect: PF503 PF503
            """,
    })
    assert_marks(tmp_path, select=("PF5",))
    messages = [f.message for f in run(tmp_path, select=("PF503",))]
    assert messages == [
        "`Bits.B`: enum Bits has no member `B`, so reading it raises AttributeError",
        "`RunStatus.SUCCEEDED`: enum RunStatus has no member `SUCCEEDED`, so reading it raises AttributeError; "
        "did you mean `SUCCESS`?",
    ]


def test_enum_silent_for_functional_api_and_unknown_bases(tmp_path):
    write_repo(tmp_path, {"mod.py": """
        from enum import Enum
        from lib import CustomEnum

        Color = Enum("Color", "RED GREEN")


        class Shade(CustomEnum):
            DARK = 1


        def f():
            return Color.BLUE, Shade.LIGHT
        """})
    assert found(tmp_path, select=("PF5",)) == []


def test_local_used_before_function_import(tmp_path):
    write_repo(tmp_path, {"shared/utils/dates.py": """
        from datetime import datetime


        def stamp(value):
            now = datetime.now()  # expect: PF504
            if isinstance(value, str):
                from datetime import datetime
                return datetime.fromisoformat(value)
            return now


        def counter():
            total = total + 1  # expect: PF504
            return total
        """})
    assert_marks(tmp_path, select=("PF5",))
    first = run(tmp_path, select=("PF504",))[0]
    assert first.message == (
        "`datetime` is used before it is bound in stamp(): the import on line 7 makes it local to the whole "
        "function, so this raises UnboundLocalError; the module-level `datetime` (line 1) is not used here")
    assert [(r.location.line, r.message) for r in first.related] == [
        (7, "this import makes `datetime` local to stamp()"), (1, "the module-level `datetime`")]


def test_local_use_silent_when_a_binding_may_come_first(tmp_path):
    write_repo(tmp_path, {"mod.py": """
        import json


        def loop(items):
            for item in items:
                if item:
                    print(last)
                last = item


        def declared():
            global json
            json.dumps(1)
            import json


        def bound_first(flag):
            if flag:
                value = 1
            print(value)


        def probing():
            try:
                cache
            except NameError:
                cache = {}
            return cache


        def walrus(text):
            return found if (found := text.strip()) else None


        def nested():
            def inner():
                return json.dumps(1)
            import json
            return inner


        def parameter(json):
            json.dumps(1)
            json = None


        def comprehension(rows):
            return [row for row in rows if row], [json for json in rows]
        """})
    assert found(tmp_path, select=("PF5",)) == []


def test_a_class_used_as_a_namespace_has_no_instance(tmp_path):
    # GoogleCloudPlatform/bigquery-utils: `def find_queries(html)` with no self, called on the
    # class (`Module.find_queries(page)`): `html` is a response, not an instance of the class
    write_repo(tmp_path, {
        "crawler/modules.py": """
            class DocsModule:
                def find_queries(response):
                    return response.text.splitlines()


            class Real:
                def __init__(self):
                    self.a = 1

                def run(self):
                    return self.b  # expect: PF501
            """,
        "crawler/extract.py": "from crawler.modules import DocsModule\n\nDocsModule.find_queries(None)\n",
    })
    assert_marks(tmp_path, select=("PF501",))
