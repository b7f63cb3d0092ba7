"""Rule codes and prefixes as users write them (`--select`, `select`, `ignore`,
`per-file-ignores`, `severity`, inline suppressions): a typo is an error, never a selector that
silently matches nothing (as ruff refuses `--select F4O1`)."""

from __future__ import annotations

import difflib
from functools import lru_cache

ALL = "ALL"


@lru_cache(maxsize=1)
def known_codes() -> tuple[str, ...]:
    from gcp_preflight.rules import ALL_RULES

    return tuple(sorted(r.code for r in ALL_RULES))


def is_known(selector: str, *, prefix: bool = True) -> bool:
    """A rule code, or (with `prefix`) the start of one or `ALL`."""
    if not prefix:
        return selector in known_codes()
    return selector == ALL or (selector != "" and any(code.startswith(selector) for code in known_codes()))


def unknown(selector: str, *, prefix: bool = True) -> str | None:
    """None for a known selector; else what to say about it, with a did-you-mean."""
    if is_known(selector, prefix=prefix):
        return None
    what = "rule code or prefix" if prefix else "rule code"
    return f"unknown {what} '{selector}'{_hint(selector)}"


def _hint(selector: str) -> str:
    upper = selector.upper()
    look_alike = upper[:2] + upper[2:].translate(_DIGIT_LOOKALIKES)  # PF3O1 -> PF301
    for candidate in (upper, look_alike):
        if candidate != selector and is_known(candidate):
            return f" (did you mean '{candidate}'?)"
    # Codes for a code, prefixes of the same length for a prefix (PF99 -> PF90, not PF905).
    pool = sorted({code[: len(upper)] for code in known_codes()}) if len(upper) < 5 else list(known_codes())
    scored = [(difflib.SequenceMatcher(None, upper, c).ratio(), _common_prefix(upper, c), c) for c in pool]
    best = max(scored, key=lambda s: (s[0], s[1]), default=None)
    if best and best[0] >= 0.6:
        return f" (did you mean '{best[2]}'?)"
    return "; `preflight rules` lists them"


_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n
