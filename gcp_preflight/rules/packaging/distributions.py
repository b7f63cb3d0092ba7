"""Which distribution provides an import name, for messages: the knowledge table (knowledge.py),
then `[packaging] import-names` overrides. A module no table names has no distribution to
suggest: the message then says only that no installed distribution provides it."""

from __future__ import annotations

from functools import lru_cache

from gcp_preflight.rules.packaging import knowledge


def _override(dotted: str, overrides: dict[str, str]) -> str | None:
    parts = dotted.split(".")
    for size in range(len(parts), 0, -1):
        prefix = ".".join(parts[:size])
        if prefix in overrides:
            return overrides[prefix]
    return None


@lru_cache(maxsize=4096)
def _table_display(dotted: str) -> str | None:
    names = knowledge.providers(dotted)
    return knowledge.DISTS[names[0]].display if names else None


def display(dotted: str, overrides: dict[str, str]) -> str | None:
    """The distribution to suggest for an import (as the table spells it), or None."""
    return _override(dotted, overrides) or _table_display(dotted)


def is_known(top: str, overrides: dict[str, str]) -> bool:
    """Whether the import name belongs to a distribution (the table's, the config's, or Google's
    namespace), so a same-named repository module is not taken for it."""
    return top == "google" or _override(top, overrides) is not None or _table_display(top) is not None
