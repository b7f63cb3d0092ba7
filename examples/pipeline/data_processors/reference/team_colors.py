"""One-off backfill of team colours; creates its table if it is missing."""

from google.cloud import bigquery

TABLE_ID = "nba-props-platform.nba_reference.team_colors"
SCHEMA = [
    bigquery.SchemaField("team_abbr", "STRING", mode="REQUIRED"),
    bigquery.SchemaField("primary_hex", "STRING"),
    bigquery.SchemaField("secondary_hex", "STRING"),
]


def backfill(client, teams):
    client.create_table(bigquery.Table(TABLE_ID, schema=SCHEMA), exists_ok=True)
    rows = [{"team_abbr": t["abbr"], "primary_hex": t["primary"], "secondary_hex": t["secondary"]} for t in teams]
    return client.insert_rows_json(TABLE_ID, rows)
