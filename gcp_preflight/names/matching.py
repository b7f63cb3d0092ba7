"""Comparing names the way a reader would: lookalike characters, case and separators, and the
closest declared name for a did-you-mean."""

from __future__ import annotations

import difflib
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


def suggest(name: str, declared: list[str]) -> str | None:
    """The closest declared name, compared both as written and as skeletons."""
    best, best_score = None, SUGGEST_CUTOFF
    key = skeleton(name)
    for candidate in declared:
        score = max(difflib.SequenceMatcher(None, name, candidate).ratio(),
                    difflib.SequenceMatcher(None, key, skeleton(candidate)).ratio())
        if score > best_score or (score == best_score and best is not None and candidate < best):
            best, best_score = candidate, score
    return best
