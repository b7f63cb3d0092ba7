"""A Fix whose edits are computed on first use, and how one is made again from its recipe.

Light on purpose: the run cache (engine.py) rebuilds fixes from here without importing the
rules, and nothing heavy (libcst) loads until a fix's edits are asked for.
"""

from __future__ import annotations

from typing import Callable

from gcp_preflight.model import DeferredFix, Fix, TextEdit


class LazyFix(Fix):
    """A Fix whose edits are computed on first use."""

    def __init__(self, description: str, build: Callable[[], tuple[TextEdit, ...]],
                 deferred: DeferredFix | None = None):
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "safe", True)  # a slot: a field's default is not a class attribute
        object.__setattr__(self, "_build", build)
        object.__setattr__(self, "_edits", None)
        object.__setattr__(self, "deferred", deferred)

    @property
    def built(self) -> bool:
        return self._edits is not None

    @property
    def edits(self) -> tuple[TextEdit, ...]:  # type: ignore[override]
        if self._edits is None:
            try:
                edits = tuple(self._build())
            except Exception:  # noqa: BLE001 - libcst missing or the file changed: no fix, still a finding
                edits = ()
            object.__setattr__(self, "_edits", edits)
        return self._edits


def rebuild(recipe: DeferredFix, read: Callable[[str], str | None], description: str) -> LazyFix:
    """The LazyFix a recipe describes; `read(path)` gives the file's text when the edits are first
    asked for (the run cache answers only for a tree in which nothing changed)."""
    def build() -> tuple[TextEdit, ...]:
        from gcp_preflight.rules.bigquery.fix import build_edits

        return build_edits(recipe, read(recipe.where.path) or "")

    return LazyFix(description, build, recipe)
