"""Shared pieces of the hostile corpus: each case is a small repository built at test time with
one ordinary finding planted beside the hostile input (a 128MB function: PF301 at deploy.sh:1:97)."""

import os
import re
import time

import pytest

from gcp_preflight.cli import main
from tests.helpers import write_repo

DEPLOY = ("gcloud functions deploy fn --gen2 --runtime python311 --region us-central1 --source fn "
          "--memory 128MB --trigger-http\n")
PLANTED = {"preflight.toml": "", "deploy.sh": DEPLOY,
           "fn/main.py": "def fn(request):\n    return 'ok'\n"}
PLANTED_FINDING = "deploy.sh:1:97: error PF301"
BUDGET_S = 20.0  # generous: each case takes well under two seconds here
FIFO = object()  # a value in `files`: make a named pipe there


class Outcome:
    def __init__(self, status: int, out: str, err: str, seconds: float):
        self.status, self.out, self.err, self.seconds = status, out, err, seconds

    def findings(self, code: str) -> list[str]:
        """`path:line:col: severity CODE message` lines of one code."""
        return [line for line in self.out.splitlines()
                if re.search(rf": (?:error|warning|info) {code}\b", line) and not line.startswith(" ")]

    @property
    def planted(self) -> bool:
        return any(line.startswith(PLANTED_FINDING) for line in self.out.splitlines())


@pytest.fixture
def hostile(tmp_path, capsys):
    """hostile(files, *options, command="check") -> Outcome, on PLANTED + files, no cache."""
    def run(files: dict, *options: str, command: str = "check") -> Outcome:
        fifos = [rel for rel, value in files.items() if value is FIFO]
        root = write_repo(tmp_path / "repo", dict(PLANTED, **{k: v for k, v in files.items() if v is not FIFO}))
        for rel in fifos:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            os.mkfifo(root / rel)
        argv = {"check": ["check", "--root", str(root), "--no-cache"],
                "validate-all": ["validate-all", str(root), "--no-cache"],
                "init": ["init", str(root), "--dry-run"]}[command]
        started = time.perf_counter()
        status = main([*argv, *options])
        seconds = time.perf_counter() - started
        out, err = capsys.readouterr()
        assert seconds < BUDGET_S, f"took {seconds:.1f}s"
        return Outcome(status, out, err, seconds)
    return run
