"""Comparing names the way a reader would: lookalike characters, case and separators, and the
closest declared name for a did-you-mean."""

from __future__ import annotations

import difflib
import os
import unicodedata

SEPARATORS = frozenset("_-. /:")
# Characters that render like ASCII letters in common fonts (Cyrillic, Greek, fullwidth are
# handled by NFKC or this table). Enough for the lookalikes seen in identifiers, not a full
# Unicode confusables table.
LOOKALIKES = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "ı": "i", "ℓ": "l",
}
SUGGEST_CUTOFF = 0.6


def odd_characters(name: str) -> list[tuple[int, str]]:
    """(index, character) of every non-ASCII or invisible character in a name."""
    return [(i, ch) for i, ch in enumerate(name)
            if ord(ch) > 126 or ord(ch) < 32 or (unicodedata.category(ch) in ("Cf", "Zs") and ch != " ")]


def describe_character(ch: str) -> str:
    try:
        label = unicodedata.name(ch)
    except ValueError:
        label = "unnamed character"
    return f"U+{ord(ch):04X} {label}"


def skeleton(name: str) -> str:
    """A name reduced to what a reader sees: lookalikes mapped to ASCII, case and separators and
    invisible characters dropped."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(LOOKALIKES.get(ch, ch) for ch in text)
    return "".join(ch for ch in text.casefold()
                   if ch not in SEPARATORS and not ch.isspace() and unicodedata.category(ch) != "Cf")


def lookalike_of(name: str, declared: dict[str, str]) -> str | None:
    """The declared name that reads the same as `name` (declared maps skeleton -> name)."""
    found = declared.get(skeleton(name))
    return found if found is not None and found != name else None


def _affixes(names: list[str]) -> tuple[str, str]:
    """The prefix and suffix every declared name shares ("p2_", "Processor"): they say nothing
    about which name was meant, so they are left out of the comparison."""
    if len(names) < 2:
        return "", ""
    prefix = os.path.commonprefix(names)
    suffix = os.path.commonprefix([n[::-1] for n in names])[::-1]
    shortest = min(len(n) for n in names)
    if len(prefix) + len(suffix) >= shortest:
        return prefix, ""
    return prefix, suffix


def _core(name: str, prefix: str, suffix: str) -> str:
    if prefix and name.startswith(prefix):
        name = name[len(prefix):]
    if suffix and name.endswith(suffix) and len(name) > len(suffix):
        name = name[: -len(suffix)]
    return name


def suggest(name: str, declared: list[str]) -> str | None:
    """The closest declared name, compared as written and as skeletons, without the affixes all
    declared names share."""
    prefix, suffix = _affixes(declared)
    core = _core(name, prefix, suffix)
    key = skeleton(core)
    best, best_score = None, SUGGEST_CUTOFF
    for candidate in declared:
        other = _core(candidate, prefix, suffix)
        score = max(difflib.SequenceMatcher(None, core, other).ratio(),
                    difflib.SequenceMatcher(None, key, skeleton(other)).ratio())
        if score > best_score:
            best, best_score = candidate, score
    return best
