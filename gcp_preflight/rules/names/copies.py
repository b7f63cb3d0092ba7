"""Identical copies of a file are reported once.

Cloud Function folders often hold copies of shared modules. Each copy is deployed and each can
be wrong, but the same mistake in five identical files is one mistake: it is reported at the
copy nearest the root, with every other copy as a related location, so a reader sees one finding
and the list of files to fix. A copy that differs in any byte is reported on its own, since it
has drifted and needs its own look.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from gcp_preflight.model import Diagnostic, Location, Related


def _primary(paths: list[str]) -> str:
    return min(paths, key=lambda p: (p.count("/"), p))


def collapse_copies(project, found: list[tuple[str, Diagnostic]]) -> list[tuple[str, Diagnostic]]:
    by_content: dict[str, set[str]] = defaultdict(set)
    for _, diag in found:
        path = diag.location.path
        text = project.text(path)
        if text is not None:
            by_content[hashlib.sha256(text.encode()).hexdigest()].add(path)
    primary_of: dict[str, str] = {}
    for paths in by_content.values():
        if len(paths) > 1:
            main = _primary(sorted(paths))
            primary_of.update({p: main for p in paths})

    def key(code: str, diag: Diagnostic, path: str) -> tuple:
        loc = diag.location
        return (code, loc.line, loc.column, diag.message.replace(loc.path, path))

    copies: dict[tuple, list[str]] = defaultdict(list)
    for code, diag in found:
        path = diag.location.path
        if path in primary_of and primary_of[path] != path:
            copies[(primary_of[path],) + key(code, diag, primary_of[path])].append(path)
    shown = {(d.location.path,) + key(c, d, d.location.path) for c, d in found
             if primary_of.get(d.location.path) == d.location.path}
    out = []
    for code, diag in found:
        path = diag.location.path
        main = primary_of.get(path, path)
        if main != path and (main,) + key(code, diag, main) in shown:
            continue  # shown with its primary copy
        others = sorted(copies.get((path,) + key(code, diag, path), [])) if main == path else []
        if others:
            loc = diag.location
            related = diag.related + tuple(
                Related(Location(p, loc.line, loc.column, loc.end_line, loc.end_column),
                        "the same line in an identical copy, deployed separately") for p in others)
            noun = "copy" if len(others) == 1 else "copies"
            diag = Diagnostic(loc, f"{diag.message} (also in {len(others)} identical {noun})", related, diag.fix,
                              diag.key or diag.message)
        out.append((code, diag))
    return out
