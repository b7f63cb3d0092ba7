"""Comparing names the way a reader would: lookalike characters, case and separators, and the
closest declared name for a did-you-mean."""

from __future__ import annotations

import difflib
import os
import re
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


MIN_SLIP = 5  # characters a name needs before resembling a declared name shows it is a slip


class Kind:
    """What the names of one declared set share, worked out once for the set: `holds(name)`
    says whether a name reads as one of them. It carries the affix every declared name shares
    (`p2_`, `Processor`, at least two characters), starts with the same word as one of them
    (`bdl_standings` beside `bdl_box_scores`), or resembles one of them."""

    def __init__(self, declared: list[str]):
        self.declared = declared
        self.affixes = _affixes(declared)
        self.first_words = {words[0] for words in map(_tokens, declared) if len(words) > 1}

    def holds(self, name: str) -> bool:
        prefix, suffix = self.affixes
        if (len(prefix) >= 2 and name.startswith(prefix)) or (len(suffix) >= 2 and name.endswith(suffix)):
            return True
        words = _tokens(name)
        if len(words) > 1 and words[0] in self.first_words:
            return True
        # a short code (`CHW`, `100`) resembles many others by chance: not evidence of a slip
        return len(name) >= MIN_SLIP and _resembles(name, self.declared, self.affixes)


def _edits_within(a: str, b: str, limit: int) -> bool:
    """Whether at most `limit` insertions, deletions or substitutions turn a into b (a banded
    Levenshtein: O(len * limit))."""
    if abs(len(a) - len(b)) > limit:
        return False
    if len(set(a).symmetric_difference(b)) > 2 * limit:
        return False  # an edit changes the set of characters used by at most two: too far apart
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [limit + 1] * len(b)
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != b[j - 1]))
        previous = current
    return previous[len(b)] <= limit


def is_slip(name: str, declared: list[str]) -> bool:
    """Whether `name` is one or two keystrokes from a declared name (`injurys` for `injuries`),
    ignoring case: a misspelling, not a different name that shares words with one."""
    if len(name) < MIN_SLIP:
        return False
    folded = name.lower()
    return any(_edits_within(folded, other.lower(), 2) for other in declared if other != name)


def _core(name: str, prefix: str, suffix: str) -> str:
    if prefix and name.startswith(prefix):
        name = name[len(prefix):]
    if suffix and name.endswith(suffix) and len(name) > len(suffix):
        name = name[: -len(suffix)]
    return name


MAX_SUGGESTIONS = 3
_TOKEN_SPLIT = re.compile(r"[^0-9A-Za-z]+|(?<=[a-z0-9])(?=[A-Z])")


def _tokens(name: str) -> list[str]:
    return [t.casefold() for t in _TOKEN_SPLIT.split(name) if t]


def _same_token(a: str, b: str) -> bool:
    """One word written two ways: equal, a plural, or a small typo in a long word."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    if a.rstrip("s") == b.rstrip("s"):
        return True
    # difflib's cheap upper bounds first: most pairs of words are far apart
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.real_quick_ratio() >= 0.85 and matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85


def _token_order(a: list[str], b: list[str]) -> float:
    """The share of both names' words that appear in the same order (a longest common
    subsequence in which one word may also match two joined ones: `boxscores`, `box_scores`)."""
    if not a or not b:
        return 0.0
    n, m = len(a), len(b)
    best = [[0] * (m + 1) for _ in range(n + 1)]  # words matched in a[i:] and b[j:], both sides counted
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            score = max(best[i + 1][j], best[i][j + 1])
            if _same_token(a[i], b[j]):
                score = max(score, 2 + best[i + 1][j + 1])
            if j + 1 < m and _same_token(a[i], b[j] + b[j + 1]):
                score = max(score, 3 + best[i + 1][j + 2])
            if i + 1 < n and _same_token(a[i] + a[i + 1], b[j]):
                score = max(score, 3 + best[i + 2][j + 1])
            best[i][j] = score
    return best[0][0] / (n + m)


def suggestions(name: str, declared: list[str]) -> list[str]:
    """The declared names closest to `name`: first those that keep its words in order, then by
    characters (as written and as skeletons), without the affixes all declared names share.
    Candidates that tie on the words are all returned (up to three), best first, so a reader
    chooses between `p2_x_team_boxscore` and `p2_x_player_boxscore` instead of being told one."""
    prefix, suffix = _affixes(declared)
    core = _core(name, prefix, suffix)
    key, words = skeleton(core), _tokens(name)
    scored = []
    for candidate in declared:
        other = _core(candidate, prefix, suffix)
        order = _token_order(words, _tokens(candidate))
        as_written = difflib.SequenceMatcher(None, core, other)
        as_skeleton = difflib.SequenceMatcher(None, key, skeleton(other))
        if order <= SUGGEST_CUTOFF and all(m.real_quick_ratio() <= SUGGEST_CUTOFF or m.quick_ratio() <= SUGGEST_CUTOFF
                                           for m in (as_written, as_skeleton)):
            continue  # neither the words nor (difflib's upper bounds say) the characters are close
        chars = max(as_written.ratio(), as_skeleton.ratio())
        if max(chars, order) > SUGGEST_CUTOFF:
            scored.append((round(order, 6), chars, candidate))
    if not scored:
        return []
    scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
    best = scored[0][0]
    return [c for order, _, c in scored if order == best][:MAX_SUGGESTIONS]


def _resembles(name: str, declared: list[str], affixes: tuple[str, str]) -> bool:
    """Whether `suggestions` would find a candidate (near enough: difflib compares from the
    other side here), stopping at the first; the characters are compared only where difflib's
    cheap upper bounds leave room (init asks this of hundreds of names against sets of thousands)."""
    prefix, suffix = affixes
    core = _core(name, prefix, suffix)
    words = _tokens(name)
    as_written, as_skeleton = difflib.SequenceMatcher(None), difflib.SequenceMatcher(None)
    as_written.set_seq2(core)
    as_skeleton.set_seq2(skeleton(core))
    for candidate in declared:
        other = _core(candidate, prefix, suffix)
        for matcher, text in ((as_written, other), (as_skeleton, skeleton(other))):
            matcher.set_seq1(text)
            if (matcher.real_quick_ratio() > SUGGEST_CUTOFF and matcher.quick_ratio() > SUGGEST_CUTOFF
                    and matcher.ratio() > SUGGEST_CUTOFF):
                return True
        if _token_order(words, _tokens(candidate)) > SUGGEST_CUTOFF:
            return True
    return False


def suggest(name: str, declared: list[str]) -> str | None:
    """The closest declared name (the first of `suggestions`)."""
    found = suggestions(name, declared)
    return found[0] if found else None
