"""The cyclic garbage collector, paused for one command.

A run builds hundreds of thousands of long-lived facts and index entries at once and frees them
all at exit; the facts form no cycles (the analyses that hold the Project do). With the
collector on, every few hundred allocations it walks the young objects and, as the heap grows,
all of them again: on a 2,500-file repository that was half of a warm run (facts decoded from
the cache) and a quarter of a cold one. Plain reference counting still frees everything that is
not in a cycle; the collector is turned back on when the command ends (tests call main() many
times in one process). What readers leave in cycles is collected where they run: worker
processes turn their collector on, and a serial read collects after each file
(project.parse_files).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused(process_ends: bool = False) -> Iterator[None]:
    """process_ends: nothing runs after the command but the interpreter's exit, whose last
    collection would walk every object the run left in a cycle (the Project and the analyses
    that hold it: about 1.5 s on a large repository); they are frozen instead, left to the OS."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if process_ends:
            gc.freeze()
        if was_enabled:
            gc.enable()
