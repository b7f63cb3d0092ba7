"""Data-quality helpers shared by the Phase 3 analytics processors."""


class QualityTierMixin:
    """Grades a processor's rows; the including class says how many rows are enough."""

    def quality_tier(self, rows):
        return "gold" if len(rows) >= self.min_rows_for_gold() else "bronze"


class PlayerQuality(QualityTierMixin):
    def min_rows_for_gold(self):
        return 10


class TeamQuality(QualityTierMixin):
    def describe(self):
        return "team-level rows"


class MinutesParser:
    """Parses the `MM:SS` minutes column of box scores."""

    def parse_minutes_played(self, value):
        minutes, _, seconds = str(value).partition(":")
        return int(minutes or 0) + int(seconds or 0) / 60

    def parse_all(self, values):
        return list(map(self.parse_minutes, values))
