"""One piece of work run in a forked child process while this one does the rest.

The rules (or init's proposers) run after every file is read, when the parse workers are done
and a core is idle. A forked child inherits the Project as it is (pages are shared until
written: nothing is copied or read again), does its part and sends back the result, pickled
through a pipe it was forked with.

`result` says whether the child delivered: should it fail (its work raising, the child killed,
a result that does not pickle), the caller does that work itself, so an exception surfaces as
in a serial run, with its own type and traceback, and nothing is lost.
"""

from __future__ import annotations

import multiprocessing
import pickle
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar

from gcp_preflight import progress

T = TypeVar("T")


@dataclass
class Child:
    process: Any
    pipe: Any


def start(work: Callable[[], Any], workers: int) -> Child | None:
    """A child computing `work()`, when there are two workers or more and fork is available;
    None otherwise (then the caller does the work itself)."""
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, send), daemon=True)
    try:
        process.start()
    except OSError:  # no processes allowed here
        receive.close()
        send.close()
        return None
    send.close()
    return Child(process, receive)


def _child(work: Callable[[], Any], send: Any) -> None:
    progress.silence()
    try:
        data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - nothing sent: the parent does this work itself and says why
        data = None
    if data is not None:
        send.send_bytes(data)
    send.close()


def result(child: Child) -> tuple[bool, Any]:
    """(True, what the child's work returned), or (False, None) if it did not deliver."""
    try:
        data = child.pipe.recv_bytes()
        return True, pickle.loads(data)  # noqa: S301 - our own child's result, through the pipe it was forked with
    except (EOFError, OSError, pickle.UnpicklingError):  # see the module's docstring
        return False, None
    finally:
        child.pipe.close()
        child.process.join()


def split(items: Sequence[T], theirs: Sequence[T], run: Callable[[list[T]], dict], workers: int,
          pack: Callable[[dict], Any] = lambda done: done, unpack: Callable[[Any], dict] = lambda sent: sent) -> dict:
    """`run(items)`, with `theirs` run in a child meanwhile when there is one: the two results
    merged (`run` returns a dict by item). With no child, or none of the items left here, all
    run here in one call, in order. `pack` and `unpack` carry the child's result through the pipe
    (the engine's findings hold fixes that do not pickle)."""
    theirs = list(theirs)
    child = start(lambda: pack(run(theirs)), workers) if theirs and len(theirs) < len(items) else None
    done = run([item for item in items if child is None or item not in theirs])
    if child is not None:
        delivered, sent = result(child)
        done.update(unpack(sent) if delivered else run(theirs))
    return done
