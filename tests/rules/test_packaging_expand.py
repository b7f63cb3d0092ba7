"""RepoIndex.expand: a folder copied into several units is expanded once, and each unit gets
its files (and dangling links) under its own destination."""

from gcp_preflight.discovery import Symlink
from gcp_preflight.model import Location
from gcp_preflight.rules.packaging.files import Dangling, Node, RepoIndex, UnitFiles


def test_a_folder_copied_into_two_units_is_expanded_once_under_each_destination():
    links = {"shared/old": Symlink("shared/old", "../gone", "gone", False, False),
             "fn/shared": Symlink("fn/shared", "../shared", "shared", True, True)}
    index = RepoIndex(("shared/a.py", "shared/utils/b.py", "fn/main.py"), links)
    first, second = UnitFiles(), UnitFiles()
    index.expand("shared", "app/shared", first)
    index.expand("./shared/", "", second)
    assert first.files == {"app/shared/a.py": Node("shared/a.py"), "app/shared/utils/b.py": Node("shared/utils/b.py")}
    assert second.files == {"a.py": Node("shared/a.py"), "utils/b.py": Node("shared/utils/b.py")}
    assert first.dangling == [Dangling("app/shared/old", "shared/old", "../gone", Location("shared/old"))]
    assert second.dangling == [Dangling("old", "shared/old", "../gone", Location("shared/old"))]
    assert sorted(index._folders) == [("shared", 0), ("shared/utils", 0)]
    third = UnitFiles()
    index.expand("fn", "", third)  # through the link: the files say which link they came by
    assert third.files == {"main.py": Node("fn/main.py"), "shared/a.py": Node("shared/a.py", "fn/shared"),
                           "shared/utils/b.py": Node("shared/utils/b.py", "fn/shared")}
    assert third.dangling == [Dangling("shared/old", "shared/old", "../gone", Location("shared/old"))]
