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


def test_a_module_whose_first_part_names_no_file_folder_or_link_is_not_searched_for(tmp_path):
    write_repo(tmp_path, {
        "vendor/google/cloud/__init__.py": "", "app/run.py": "import google.cloud\nimport requests\nimport lib.x\n",
        "app/lib_src/__init__.py": "", "app/lib_src/x.py": "X = 1\n",
    })
    (tmp_path / "app" / "lib").symlink_to("lib_src")  # a link's name counts, whatever its target is named
    index = python_index(Project(tmp_path, Config(), default_validators()))
    assert [index.resolve_module(dotted, "app/run.py") for dotted in ("requests", "google.cloud", "lib.x")] == [
        External("requests"), External("google.cloud"), ModuleRef("app/lib_src/x.py")]
    # `requests` names nothing in the repository: no folder on the way was looked at for it
    assert sorted(rel for rel, _ in index._upward) == ["google/cloud", "google/cloud", "lib/x", "lib/x"]


def test_a_folder_is_passed_over_only_when_it_holds_nothing_of_the_name(tmp_path):
    write_repo(tmp_path, {
        "lib/real.py": "X = 1\n", "pkg/__init__.py": "", "pkg/mod.py": "X = 2\n",
        "app/deep/run.py": "import cfg\nimport alias.mod\nimport pkg.mod\nimport gone\n",
        "app/gone/readme.txt": "",
    })
    (tmp_path / "app" / "deep" / "cfg.py").symlink_to("../../lib/real.py")  # a module that is a link
    (tmp_path / "app" / "alias").symlink_to("../pkg")  # a package reached through a link to its folder
    index = python_index(Project(tmp_path, Config(), default_validators()))
    assert [index.resolve_module(dotted, "app/deep/run.py") for dotted in ("cfg", "alias.mod", "pkg.mod", "gone")] == [
        ModuleRef("lib/real.py"), ModuleRef("pkg/mod.py"), ModuleRef("pkg/mod.py"),
        ModuleRef("app/gone", namespace=True)]
    assert index._upward[("pkg/mod", "app/deep")] == index._upward[("pkg/mod", "app")] == ("pkg/mod", False)
