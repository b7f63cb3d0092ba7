"""PF504 across branches: a use after a binding in the text that no path through it reaches."""

import pytest

from tests.helpers import assert_marks, found, run, write_repo


def test_branch_local_import_in_a_long_function(tmp_path):
    write_repo(tmp_path, {"shared/utils/dates.py": """
        from datetime import datetime
        import json


        def stamp(value, fresh):
            if fresh:
                from datetime import datetime
                return datetime.now()
            return datetime.fromisoformat(value)  # expect: PF504


        def encode(row, compact):
            if compact:
                import json
                text = json.dumps(row, separators=(",", ":"))
            else:
                text = json.dumps(row, indent=2)  # expect: PF504
            return text


        def region_of(config, mode):
            if mode == "get":
                region = config["region"]
                return region
            if mode == "patch":
                return config["zone"], region  # expect: PF504
        """})
    assert_marks(tmp_path, select=("PF504",))
    first = run(tmp_path, select=("PF504",))[0]
    assert first.message == (
        "`datetime` is not bound on any path that reaches this line in stamp(): the import on line 7 runs only on "
        "another branch, yet makes it local to the whole function, so this raises UnboundLocalError; the "
        "module-level `datetime` (line 1) is not used here")
    assert [(r.location.line, r.message) for r in first.related] == [
        (7, "this import makes `datetime` local to stamp()"), (1, "the module-level `datetime`")]


SILENT = {
    "both branches bind": """
        def f(flag):
            if flag:
                x = 1
            else:
                x = 2
            return x
        """,
    "loop variable after the loop": """
        def f(items):
            for item in items:
                pass
            return item
        """,
    "bound in an earlier iteration": """
        def f(items):
            for item in items:
                if item:
                    last = item
                    continue
                print(last)
        """,
    "try body or handler binds": """
        def f(text):
            try:
                value = int(text)
            except ValueError:
                value = 0
            return value
        """,
    "handler sees a partial try body": """
        def f(text):
            try:
                value = int(text)
                check(value)
            except ValueError:
                return value
        """,
    "the other branch raises": """
        def f(flag):
            if not flag:
                raise ValueError(flag)
            else:
                value = 1
            return value
        """,
    "with body that returns (a context manager may swallow)": """
        def f(lock):
            with lock:
                value = 1
                return value
            return value
        """,
    "while loop test after the body binds": """
        def f(queue):
            while not queue or item:
                item = queue.pop()
        """,
    "except NameError expects it": """
        def f(flag):
            if flag:
                cache = {}
                return cache
            try:
                return cache
            except NameError:
                return None
        """,
    "unreachable use": """
        def f(flag):
            if flag:
                value = 1
            return 0
            return value
        """,
    "match cases": """
        def f(command):
            match command:
                case [x]:
                    found = x
                case _:
                    found = None
            return found
        """,
    "walrus in the same statement": """
        def f(text):
            if text:
                n = 0
            return n if (n := len(text)) else 0
        """,
}


@pytest.mark.parametrize("name", sorted(SILENT))
def test_branch_silent_case_on_its_own(tmp_path, name):
    write_repo(tmp_path, {"mod.py": SILENT[name]})
    assert found(tmp_path, select=("PF504",)) == [], name
