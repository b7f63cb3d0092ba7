"""Some rule families run in a forked child process while this one runs the others.

The rules are most of a pre-commit run and a tenth of a cold one, and they run after every file
is read, when the parse workers are done and a core is idle. A forked child inherits the
Project as it is (pages are shared until written: nothing is copied or read again), runs its
families and sends back their findings. The report is the same as a serial run's
(tests/test_engine.py): findings are put back in rule order, and a fix not yet built travels as
its recipe, as in the run cache.

Should the child fail (a rule raising, the child killed), its rules run again here, so a rule's
exception surfaces as in a serial run, with its own type and traceback.
"""

from __future__ import annotations

import multiprocessing
import pickle
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from gcp_preflight import progress

if TYPE_CHECKING:
    from gcp_preflight.model import Finding
    from gcp_preflight.project import Project
    from gcp_preflight.rules.base import Rule

# The Python rules: about half of the rules' time on the benchmark's tree and on
# nba-stats-scraper; the other half is names, packaging, deploy and BigQuery.
FAMILIES = ("PF5",)

Run = Callable[["Project", Sequence["Rule"]], dict[str, list["Finding"]]]


@dataclass
class Child:
    process: Any
    pipe: Any
    rules: list[Rule]


def start(project: Project, rules: Sequence[Rule], run: Run, workers: int) -> tuple[Child | None, list[Rule]]:
    """Fork a child running the rules of FAMILIES among `rules` (through `run`), when there
    are two workers or more and fork is available; returns it and the rules left to run here."""
    theirs = [item for item in rules if item.code.startswith(FAMILIES)]
    if workers < 2 or not theirs or len(theirs) == len(rules) or "fork" not in multiprocessing.get_all_start_methods():
        return None, list(rules)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(project, theirs, run, send), daemon=True)
    try:
        process.start()
    except OSError:  # no processes allowed here: every rule runs here
        return None, list(rules)
    send.close()
    return Child(process, receive, theirs), [item for item in rules if item not in theirs]


def _child(project: Project, rules: list[Rule], run: Run, send: Any) -> None:
    from gcp_preflight.engine import _for_run_cache

    progress._current = None  # the parent's line is the only one
    try:
        by_rule = run(project, rules)
        # a LazyFix cannot travel (it holds a function): its recipe does
        packed = {code: _for_run_cache(findings, keep_edits=False) for code, findings in by_rule.items()}
        data = pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - nothing sent: the parent runs these rules itself and says why
        data = None
    if data is not None:
        send.send_bytes(data)
    send.close()


def collect(child: Child, project: Project, run: Run) -> dict[str, list[Finding]]:
    """The child's findings by rule code; its rules run here if it failed."""
    from gcp_preflight.engine import RunRecord, _from_run_cache

    try:
        data = child.pipe.recv_bytes()
        packed = pickle.loads(data)  # noqa: S301 - our own child's findings, through a pipe it was forked with
    except (EOFError, OSError, pickle.UnpicklingError):  # it raised or was killed: see the docstring
        packed = None
    finally:
        child.pipe.close()
        child.process.join()
    if packed is None:
        return run(project, child.rules)
    return {code: _from_run_cache(kept, RunRecord(0, 0, deferred), project) for code, (kept, deferred) in packed.items()}
