"""Phase 4 precompute steps: each loads its inputs for a game date and computes its rows."""


class PrecomputeStep:
    """run() is the template: load() then compute(); subclasses provide compute()."""

    def run(self, game_date):
        rows = self.load(game_date)
        return self.compute(rows)

    def load(self, game_date):
        return [{"game_date": game_date}]

    def compute(self, rows):
        raise NotImplementedError("each step computes its own rows")


class ShotZoneStep(PrecomputeStep):
    def compute(self, rows):
        return [dict(row, zone="paint") for row in rows]


class FatigueStep(PrecomputeStep):
    def load(self, game_date):
        return [{"game_date": game_date, "rest_days": 1}]


STEPS = {"shot_zone": ShotZoneStep, "fatigue": FatigueStep}


def run_step(name, game_date):
    return STEPS[name]().run(game_date)
