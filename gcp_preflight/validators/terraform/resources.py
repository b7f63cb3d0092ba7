"""Terraform resources read as the gcloud deploy commands they amount to.

Each argument becomes the gcloud flag that sets the same field, placed at the value (or, when
the value comes through a variable, a local, a module argument or `each.value`, at the literal
it comes from), and labelled with the argument's name for messages. Terraform sends every value
to the API as written (`sent_by="api"`): `available_memory = "256M"` is 256M (decimal),
`available_memory_mb = 256` is 256 MiB, a Cloud Run `limits.memory` a Kubernetes quantity.
Left out, `available_memory_mb` is 256 (the provider's default, sent on every apply); the other
sizes are taken from the API on create and kept on later applies.

Sources: the google provider's resource pages (cloudfunctions_function,
cloudfunctions2_function, cloud_run_service, cloud_run_v2_service, cloud_run_v2_job) and
reference/gcp.md section 5.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gcp_preflight.model import Location
from gcp_preflight.validators.deploy.facts import Flag, Word
from gcp_preflight.validators.terraform.facts import HclAttribute, HclBlock
from gcp_preflight.validators.terraform.values import Scope, V, text

DEPLOY_TYPES = {
    "google_cloudfunctions_function": ("function", "functions deploy"),
    "google_cloudfunctions2_function": ("function", "functions deploy"),
    "google_cloud_run_service": ("run-service", "run deploy"),
    "google_cloud_run_v2_service": ("run-service", "run deploy"),
    "google_cloud_run_v2_job": ("run-job", "run jobs deploy"),
}


def inside(at: Location, span: Location) -> bool:
    if at.path != span.path:
        return False
    start, end = (at.line, at.column), (at.end_line or at.line, at.end_column or at.column)
    return (span.line, span.column) <= start and end <= (span.end_line or span.line, span.end_column or span.column)


def word(v: V, attribute: HclAttribute, scope: Scope, text_override: str | None = None, raw: str | None = None) -> Word:
    """The value as a Word placed where it is written: inside the argument's own expression, or
    (through a variable, a local, a module argument) at its literal, the argument then being
    where the flag is."""
    span = scope.at(attribute.expr)
    value = text_override if text_override is not None else (text(v) if v.known else None)
    reason = ""
    if value is None:
        reason = v.reason if not v.known else ("a list or map, not one value" if v.data is not None else "null")
    location, origin = span, None
    if v.at is not None:
        if inside(v.at, span):
            location = v.at
        else:
            origin = v.at
    literal_at = v.at if v.exact and value is not None and text_override is None and v.at is not None \
        and v.at.line == (v.at.end_line or v.at.line) else None
    return Word(value, attribute.raw if raw is None else raw, location, origin, reason, literal_at)


@dataclass
class Builder:
    """The flags of one resource instance."""

    scope: Scope
    evaluator: object
    flags: list[Flag] = field(default_factory=list)
    notices: list[tuple[Location, str]] = field(default_factory=list)

    def value(self, block: HclBlock | None, name: str, scope: Scope | None = None) -> tuple[V, HclAttribute] | None:
        if block is None:
            return None
        attribute = block.attribute(name)
        if attribute is None:
            return None
        scope = scope or self.scope
        return self.evaluator.eval(attribute.expr, scope), attribute

    def flag(self, flag: str, block: HclBlock | None, name: str, label: str = "", scope: Scope | None = None,
             skip_null: bool = True) -> V | None:
        found = self.value(block, name, scope)
        if found is None:
            return None
        v, attribute = found
        if skip_null and v.known and v.data is None:
            return None  # null: the argument is left out
        scope = scope or self.scope
        w = word(v, attribute, scope)
        self.flags.append(Flag(flag, w, argument_at(attribute, scope), label or name))
        return v

    def switch(self, flag: str, at: Location, label: str) -> None:
        self.flags.append(Flag(flag, None, at, label))

    def pairs(self, flag: str, block: HclBlock | None, name: str, label: str = "", scope: Scope | None = None) -> None:
        """A map argument (environment_variables) as `K=V` pairs."""
        found = self.value(block, name, scope)
        if found is None:
            return
        v, attribute = found
        if v.known and v.data is None:
            return
        scope = scope or self.scope
        override = None
        if v.known:
            if not isinstance(v.data, dict):
                return
            if not v.data:
                return
            override = joined({k: x for k, x in v.data.items()})
        self.flags.append(Flag(flag, word(v, attribute, scope, override), argument_at(attribute, scope), label or name))

    def listed(self, flag: str, entries: list[tuple[str, V]], at: Location, label: str) -> None:
        """Pairs gathered from blocks (env { name value }), as one flag."""
        if entries:
            text_ = joined(dict(entries))
            self.flags.append(Flag(flag, Word(text_, text_, at), at, label))


def element_raw(attribute: HclAttribute, key: str) -> str | None:
    """How one entry of an object literal is written (`var.memory` in `{ memory = var.memory }`)."""
    expr = attribute.expr
    if expr.kind != "object":
        return None
    for pair in expr.items:
        k, v = pair.items
        if k.kind == "string" and k.value == key:
            return render(v)
    return None


def render(expr) -> str | None:
    """Simple expressions as written: literals and references (`var.x`, `each.value.memory`)."""
    if expr.kind == "string":
        return expr.value
    if expr.kind in ("number", "bool"):
        return expr.value
    if expr.kind == "ref" and expr.tag != "expr":
        parts = [expr.value or ""]
        for step in expr.items:
            if step.kind == "attr":
                parts.append("." + (step.value or ""))
            elif step.kind == "index" and step.items:
                inner = render(step.items[0])
                if inner is None:
                    return None
                parts.append(f'["{inner}"]' if step.items[0].kind == "string" else f"[{inner}]")
            else:
                return None
        return "".join(parts)
    return None


def argument_at(attribute: HclAttribute, scope: Scope) -> Location:
    """The whole argument, `name = value`."""
    expr = attribute.expr
    return Location(scope.path, attribute.line, attribute.column, expr.end_line, expr.end_column)


def joined(pairs: dict[str, V]) -> str:
    """`K=V` pairs in gcloud's ArgDict syntax, with a delimiter the values do not hold."""
    items = []
    for k, x in pairs.items():
        t = text(x) if x.known else None
        items.append(f"{k}={t if t is not None else '(known when applied)'}")
    flat = "".join(items)
    for delimiter in (",", ";", "|", "#", "@", "~"):
        if delimiter not in flat:
            return delimiter.join(items) if delimiter == "," else f"^{delimiter}^" + delimiter.join(items)
    return ",".join(items)
