"""The name matcher (rules/names/matching.py) asks difflib's cheap upper bounds before its exact
ratio: the answers must be those of the exact ratio alone, for every pair tried here."""

import difflib
import itertools

from gcp_preflight.rules.names import matching

WORDS = ["boxscores", "boxscore", "box", "scores", "injuries", "injurys", "injury", "player", "players",
         "team", "teams", "standings", "standing", "schedule", "schedules", "odds", "props", "prop",
         "gamebook", "gamebooks", "roster", "rosters", "espn", "nbac", "bdl", "p2", "p3", "analytics"]
NAMES = ["nbac_gamebook_processor", "nbac_player_boxscore", "nbac_team_boxscore", "bdl_standings",
         "bdl_box_scores", "espn_roster", "odds_api_props", "p2_team_offense", "p2_player_game_summary",
         "p3_upcoming_player_context", "bigdataball_pbp", "nbac_injury_report", "nbac_schedule",
         "NbacGamebookProcessor", "BdlStandingsProcessor", "p2_teem_offense", "nbac_injurys_report"]


def exact_same_token(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return a.rstrip("s") == b.rstrip("s") or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def exact_suggestions(name: str, declared: list[str]) -> list[str]:
    prefix, suffix = matching._affixes(declared)
    core = matching._core(name, prefix, suffix)
    key, words = matching.skeleton(core), matching._tokens(name)
    scored = []
    for candidate in declared:
        other = matching._core(candidate, prefix, suffix)
        chars = max(difflib.SequenceMatcher(None, core, other).ratio(),
                    difflib.SequenceMatcher(None, key, matching.skeleton(other)).ratio())
        order = matching._token_order(words, matching._tokens(candidate))
        if max(chars, order) > matching.SUGGEST_CUTOFF:
            scored.append((round(order, 6), chars, candidate))
    scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
    return [c for order, _, c in scored if order == scored[0][0]][:matching.MAX_SUGGESTIONS] if scored else []


def test_same_token_answers_as_the_exact_ratio():
    pairs = list(itertools.product(WORDS, WORDS))
    assert [matching._same_token(a, b) for a, b in pairs] == [exact_same_token(a, b) for a, b in pairs]
    assert sum(matching._same_token(a, b) for a, b in pairs) == 46  # the pairs are not all far apart


def test_suggestions_are_those_of_the_exact_ratios():
    for name in NAMES:
        declared = sorted(n for n in NAMES if n != name)
        assert matching.suggestions(name, declared) == exact_suggestions(name, declared), name
    assert matching.suggestions("p2_teem_offense", sorted(set(NAMES) - {"p2_teem_offense"})) == ["p2_team_offense"]
