"""Routing contracts: names sent through a router's ordered entries, and names made comparable.

A router is a target source whose entries are tried in order, the first that matches wins (a
registry dict of path prefixes, a list of substrings or regexes). For every source name, the
entry it reaches must be the one most specific to it: a shorter entry listed first captures
paths meant for a longer one (`nba/` before `nba/odds/`), and two equally close entries leave
the choice to the order (PF110). A `dead-routes` contract reports an entry that no name reaches (PF111): its
source must be every path written, while a `routes` contract is precise on any part of them.

`normalize` rewrites names on both sides first: prefixes stripped (a dataset prefix `raw.`),
leading slashes dropped, `{placeholder}` segments written `{}` so that any placeholder in a
route matches any text in a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from gcp_preflight.model import Diagnostic, Related
from gcp_preflight.rules.names.resolve import NameItem
from gcp_preflight.rules.names.sources import Instance

PLACEHOLDER = re.compile(r"\{[^{}/]*\}")


@dataclass(frozen=True)
class Normalize:
    strip: tuple[str, ...] = ()
    leading_slash: bool = False
    placeholders: bool = False

    def __call__(self, text: str) -> str:
        for prefix in self.strip:
            if text.startswith(prefix):
                text = text[len(prefix):]
                break
        if self.leading_slash:
            text = text.lstrip("/")
        if self.placeholders:
            text = PLACEHOLDER.sub("{}", text)
        return text


def normalized(instances: list[Instance], normalize: Normalize) -> list[Instance]:
    """Copies of the instances with every name rewritten (the originals keep their names for
    the checks inside one list)."""
    return [replace(inst, items=[NameItem(normalize(i.text), i.location, i.group) for i in inst.items])
            for inst in instances]


def matcher(entry: str, how: str, separator: str, placeholders: bool) -> Callable[[str], bool] | None:
    """Whether a name reaches an entry, the router's way; None for a regex that does not compile."""
    if how == "regex":  # the repository's own pattern: run by RE2, in linear time, never backtracking
        import re2
        options = re2.Options()
        options.log_errors = False
        try:
            return re2.compile(entry, options).search
        except re2.error:
            return None
    if how == "substring":
        return lambda name: entry in name
    pattern = _wildcards(entry) if placeholders else re.escape(entry)
    compiled = re.compile(pattern + re.escape(separator))
    return lambda name: compiled.match(name) is not None


def _wildcards(entry: str) -> str:
    return "[^/]*".join(re.escape(part) for part in entry.split("{}"))


@dataclass(frozen=True)
class Route:
    item: NameItem
    reaches: Callable[[str], bool]


def routes_of(targets: list[Instance], how: str, separator: str, placeholders: bool, out: list) -> list[Route]:
    found = []
    for inst in targets:
        for item in inst.items:
            reaches = matcher(item.text, how, separator, placeholders)
            if reaches is None:
                out.append(("PF108", Diagnostic(item.location, f"route '{item.text}' in {inst.label} is not a regular "
                                                               "expression RE2 runs (invalid, or a backreference or "
                                                               "lookaround); it is not checked")))
            else:
                found.append(Route(item, reaches))
    return found


def check_routes(check, how: str, placeholders: bool, out: list, dead: bool) -> None:
    """`routes` (dead False): misrouted names; `dead-routes` (dead True): routes no name reaches.
    Two contracts, since a route is dead only against every path written, while a routing
    check is precise on any subset of them (the paths registered scrapers write)."""
    routes = routes_of(check.target, how, check.separator, placeholders, out)
    reached: set[int] = set()
    misrouted: list = []
    for a in check.source:
        for item in a.items:
            if item.text in check.ignored:
                continue
            matches = [r for r in routes if r.reaches(item.text)]
            if not matches:
                misrouted.append(("PF110", Diagnostic(
                    item.location, f"'{item.text}' in {a.label} reaches no route {check.target_phrase}",
                    (Related(check.target[0].location, check.target_where),))))
                continue
            first = matches[0]
            reached.add(id(first))
            closest = max(matches, key=lambda r: len(r.item.text))
            ties = [r for r in matches if len(r.item.text) == len(first.item.text) and r.item.text != first.item.text]
            if len(closest.item.text) > len(first.item.text):
                misrouted.append(("PF110", Diagnostic(
                    item.location, f"'{item.text}' in {a.label} is routed to '{first.item.text}' (the first route "
                                   f"that matches) though '{closest.item.text}' matches it more closely",
                    (Related(first.item.location, f"'{first.item.text}' comes first"),
                     Related(closest.item.location, f"'{closest.item.text}' is listed here")))))
            elif ties:
                misrouted.append(("PF110", Diagnostic(
                    item.location, f"'{item.text}' in {a.label} matches '{first.item.text}' and "
                                   f"'{ties[0].item.text}' equally; only their order decides where it goes",
                    (Related(first.item.location, f"'{first.item.text}' is listed here"),
                     Related(ties[0].item.location, f"'{ties[0].item.text}' is listed here")))))
    if not dead:
        out += misrouted
        return
    for route in routes:
        if id(route) not in reached and route.item.text not in check.ignored:
            out.append(("PF111", Diagnostic(route.item.location, f"no name of {check.source[0].label} reaches the "
                                                                 f"route '{route.item.text}' {check.target_phrase}")))
