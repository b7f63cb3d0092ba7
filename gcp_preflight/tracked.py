"""The files git tracks, for `--tracked-only` (and under pre-commit): CI and Cloud Build deploy
what is committed, and pre-commit does not stash untracked files, so a file git does not track
is treated as absent (an import of it fails as it will once deployed).

git is asked for the index (`ls-files --cached`: under `git commit` that is what the commit
holds), with `core.fsmonitor` cleared: a checkout's own git config could otherwise name a
program for git to run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_PATH_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")


def tracked_files(root: Path) -> frozenset[str] | None:
    """Root-relative paths of the tracked files under root; None (and why) when git cannot say."""
    env = dict(os.environ)
    for name in GIT_PATH_VARIABLES:  # a git hook may set them relative to where it runs
        if env.get(name) and not os.path.isabs(env[name]):
            env[name] = os.path.abspath(env[name])
    try:
        done = subprocess.run(["git", "-c", "core.fsmonitor=", "ls-files", "-z", "--cached"], cwd=root, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return frozenset(os.fsdecode(p) for p in done.stdout.split(b"\0") if p)


def wanted(environ) -> bool:
    """pre-commit sets PRE_COMMIT=1 in the hooks it runs."""
    return environ.get("PRE_COMMIT") == "1"
