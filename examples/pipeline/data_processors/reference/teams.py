"""Team rosters and team name aliases, one row per player or alias."""

from datetime import date

from data_processors.reference.base import ReferenceProcessorBase


class TeamRostersProcessor(ReferenceProcessorBase):
    table_name = "team_rosters"

    def transform(self, payload):
        as_of = date.today()
        for player in payload["players"]:
            row = {"team_abbr": payload["team"], "player_lookup": player["lookup"], "as_of_date": as_of}
            self.rows.append(row)


class TeamAliasesProcessor(ReferenceProcessorBase):
    def __init__(self):
        super().__init__()
        self.table_name = "team_aliases"

    def transform(self, payload):
        self.rows = [{"team_abbr": alias["team"], "alias": alias["name"], "source_system": alias["source"]}
                     for alias in payload["aliases"]]
