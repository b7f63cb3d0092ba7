"""Raw listings from any source into one deduplicated inventory.

The same deployment can be listed twice: the Cloud Functions v2 API also returns 1st gen
functions (GEN_1), which the v1 API describes exactly (`availableMemoryMb`), and every 2nd gen
function is also a Cloud Run service. Each is counted once, as what its deploy command made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gcp_preflight.validators.gcp_inventory.facts import AccessProblem, Listed, LiveResource
from gcp_preflight.validators.gcp_inventory.shapes import (
    ShapeError, function_backing_service, managed_by_functions, normalise)


@dataclass
class Inventory:
    resources: list[LiveResource] = field(default_factory=list)
    listed: list[Listed] = field(default_factory=list)
    problems: list[AccessProblem] = field(default_factory=list)
    raws: list[dict] = field(default_factory=list)  # what --save-inventory writes
    kinds_seen: set[str] = field(default_factory=set)  # before deduplication

    def facts(self) -> list[object]:
        return [*self.resources, *self.listed, *self.problems]

    def extend(self, other: "Inventory") -> None:
        self.resources += other.resources
        self.listed += other.listed
        self.problems += other.problems
        self.raws += other.raws
        self.kinds_seen |= other.kinds_seen


def assemble(items: list[tuple[object, str]], listed: list[Listed] = (),
             problems: list[AccessProblem] = ()) -> Inventory:
    """(raw resource, source) pairs -> an Inventory with each deployment once."""
    parsed: list[tuple[LiveResource, dict]] = []
    out = Inventory(listed=list(listed), problems=list(problems))
    for index, (raw, source) in enumerate(items):
        try:
            parsed.append((normalise(raw, source), raw))
        except (ShapeError, AttributeError, TypeError, KeyError, ValueError) as exc:  # any shape: one problem, never a crash
            where = source if source != "api" else "API reply"
            why = exc if isinstance(exc, ShapeError) else f"unexpected shape ({type(exc).__name__})"
            out.problems.append(AccessProblem(where, "malformed", f"item {index + 1} of {where} skipped: {why}"))
    out.kinds_seen = {res.kind for res, _ in parsed}
    backing = {function_backing_service(raw) for res, raw in parsed if res.kind == "function"} - {None}
    gen1_exact = {(r.region, r.name) for r, raw in parsed if r.kind == "function" and "availableMemoryMb" in raw}
    seen: set[tuple[str, str, str]] = set()
    for res, raw in parsed:
        key = (res.kind, res.region, res.name)
        if res.kind == "run-service" and ((res.region, res.name) in backing or managed_by_functions(raw)):
            continue  # the function itself is the resource
        if res.kind == "function" and res.generation == "gen1" and "availableMemoryMb" not in raw \
                and (res.region, res.name) in gen1_exact:
            continue  # the v1 API's description of this 1st gen function is the exact one
        if key in seen:
            continue
        seen.add(key)
        out.resources.append(res)
        out.raws.append(raw)
    out.resources.sort(key=lambda r: (r.kind, r.region, r.name))
    return out
