"""The daily export summary: row counts per exported table, posted after the export job."""

from dataclasses import dataclass, field


@dataclass
class ExportSummary:
    game_date: str
    tables: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    def total_rows(self):
        return sum(self.tables.values())


def summarize(game_date, counts, errors=()):
    summary = ExportSummary(game_date=game_date, table_counts=dict(counts))
    summary.errors.extend(errors)
    return summary
