"""Reload a day of raw files into BigQuery after a scraper fix."""

import logging

logger = logging.getLogger(__name__)


def load_day(table_id, rows):
    from google.cloud import bigquery

    client = bigquery.Client()
    config = bigquery.LoadJobConfig(write_disposition="WRITE_APPEND")
    return client.load_table_from_json(rows, table_id, job_config=config).result()


def truncate_day(table_id, game_date):
    client = bigquery.Client()
    logger.info("truncating %s for %s", table_id, game_date)
    sql = f"DELETE FROM `{table_id}` WHERE game_date = @game_date"
    return client.query(sql).result()


def reload_day(table_id, game_date, rows):
    truncate_day(table_id, game_date)
    return load_day(table_id, rows)
