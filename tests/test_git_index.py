"""git's index read as a file (git_index.py): the same paths as `git ls-files`, or None."""

import os
import shutil
import subprocess

import pytest

from gcp_preflight.git_index import index_paths

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60,
                          env=dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull))


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for i in range(12):
        (tmp_path / "a" / "b" / f"f{i}.txt").write_text(str(i))
    (tmp_path / "a" / "ünï code.py").write_text("x = 1\n")
    (tmp_path / ("n" * 120 + ".py")).write_text("")
    assert _git(tmp_path, "init", "-q").returncode == 0
    assert _git(tmp_path, "add", "-A").returncode == 0
    (tmp_path / "later.py").write_text("")
    assert _git(tmp_path, "add", "-N", "later.py").returncode == 0  # intent to add: an extended entry
    return tmp_path


@pytest.mark.parametrize("version", ["2", "3", "4"])
def test_every_index_version_lists_what_git_lists(repo, version):
    assert _git(repo, "update-index", "--index-version", version).returncode == 0
    listed = frozenset(os.fsdecode(p) for p in _git(repo, "ls-files", "-z").stdout.split(b"\0") if p)
    assert index_paths(repo) == listed
    assert sorted(listed)[:3] == ["a/b/f0.txt", "a/b/f1.txt", "a/b/f10.txt"] and len(listed) == 15


def test_anything_unexpected_is_none(repo, tmp_path_factory):
    index = repo / ".git" / "index"
    data = index.read_bytes()
    index.write_bytes(data[:len(data) // 2])  # truncated
    assert index_paths(repo) is None
    index.write_bytes(b"DIRC" + b"\0\0\0\x09" + data[8:])  # an unknown version
    assert index_paths(repo) is None
    index.unlink()
    assert index_paths(repo) is None
    worktree = tmp_path_factory.mktemp("worktree")
    (worktree / ".git").write_text(f"gitdir: {repo / '.git'}\n")  # a .git file: not followed
    assert index_paths(worktree) is None
