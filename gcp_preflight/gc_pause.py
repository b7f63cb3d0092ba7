"""The cyclic garbage collector, paused for one command.

A run builds hundreds of thousands of long-lived facts and index entries at once and frees them
all at exit; none of them form cycles. With the collector on, every few hundred allocations it
walks the young objects and, as the heap grows, all of them again: on a 2,500-file repository
that was half of a warm run (facts decoded from the cache) and a quarter of a cold one. Plain
reference counting still frees everything that is not in a cycle; the collector is turned back
on when the command ends (tests call main() many times in one process), and worker processes
turn it on for themselves (project.parse_files: what a reader leaves in cycles is collected there).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
