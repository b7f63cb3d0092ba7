"""The Python index's module search (rules/python/index.py): from an importer's folder up to the
root, the first folder holding the module wins; what lies above a folder is worked out once and
shared by every importer below it, with the same answers as a search of its own."""

from gcp_preflight.config import Config
from gcp_preflight.project import Project
from gcp_preflight.rules.python.index import External, ModuleRef, Unknown, python_index
from gcp_preflight.validators import default_validators
from tests.helpers import write_repo

IMPORTS = "import shared.util\nimport shared.missing\nimport requests\n"


def test_the_search_upward_finds_the_nearest_module_for_each_importer(tmp_path):
    write_repo(tmp_path, {
        "shared/__init__.py": "", "shared/util.py": "X = 1\n",
        "app/jobs/a/run.py": IMPORTS, "app/jobs/b/run.py": IMPORTS,
        "app/jobs/b/shared/__init__.py": "", "app/jobs/b/shared/util.py": "X = 2\n",
        "app/tools/run.py": IMPORTS,
    })
    index = python_index(Project(tmp_path, Config(), default_validators()))
    asked = [(dotted, importer) for importer in ("app/jobs/a/run.py", "app/jobs/b/run.py", "app/tools/run.py")
             for dotted in ("shared.util", "shared.missing", "requests")]
    assert [index.resolve_module(dotted, importer) for dotted, importer in asked] == [
        ModuleRef("shared/util.py"), Unknown("`shared.missing` is not a module of the project"), External("requests"),
        ModuleRef("app/jobs/b/shared/util.py"), Unknown("`shared.missing` is not a module of the project"),
        External("requests"),
        ModuleRef("shared/util.py"), Unknown("`shared.missing` is not a module of the project"), External("requests"),
    ]
    # app/jobs and above were searched once for a's import, then reused for b's and tools'
    assert index._upward[("shared/util", "app/jobs")] == ("shared/util", False)
    assert index._upward[("shared/missing", "app")] == (None, True)
