"""Backfill a range of game dates through the raw loader."""

from data_processors.raw.reload import reload_day


def backfill(table_id, days):
    done = []
    for game_date, rows in days:
        done.append(reload_day(table_id, game_date, rows, write_disposition="WRITE_TRUNCATE",
                               write_disposition="WRITE_APPEND"))
    return done
