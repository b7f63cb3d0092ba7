"""What `preflight init` proposes for [bigquery]: a default project or dataset only when every
schema that names one names the same."""

from gcp_preflight.rules.bigquery.propose import propose_bigquery_config
from tests.helpers import found, project_at, write_repo

ONE_DATASET = {
    "schemas/events.sql": "CREATE TABLE `acme-prod.raw.events` (id STRING, payload JSON);\n",
    "schemas/events_v2.sql": "ALTER TABLE `acme-prod.raw.events` ADD COLUMN source STRING;\n",
    "schemas/users.sql": "CREATE TABLE raw.users (id STRING, age INT64);\n",
    "schemas/scores.json": '[{"name": "id", "type": "STRING"}]\n',
    "app/write.py": """
        from google.cloud import bigquery

        client = bigquery.Client()

        def save(user_id, age):
            client.insert_rows_json("users", [{"id": user_id, "agee": age}])
        """,
}


def test_one_project_and_one_dataset_are_proposed(tmp_path):
    write_repo(tmp_path, ONE_DATASET)
    text = propose_bigquery_config(project_at(tmp_path), prefix="")
    assert text == (
        "# [bigquery]: rows written to BigQuery are checked against the table schemas (PF4xx).\n"
        "# 4 table schemas found: 1 ALTER, 2 DDL, 1 JSON schema.\n"
        "# 1 write site: 1 matched to a schema.\n"
        "# Every schema that names a project names acme-prod (1 table).\n"
        'default-project = "acme-prod"   # for table ids written without a project\n'
        "# Every schema that names a dataset names raw (2 tables).\n"
        'default-dataset = "raw"   # for table ids written without a dataset\n')
    (tmp_path / "preflight.toml").write_text("[bigquery]\n" + text, encoding="utf-8")
    assert found(tmp_path) == [("PF403", "app/write.py:6")]  # the bare "users" resolves to raw.users


def test_several_datasets_or_projects_give_no_default(tmp_path):
    write_repo(tmp_path, {
        "a.sql": "CREATE TABLE `p1.raw.a` (id STRING);\n",
        "b.sql": "CREATE TABLE `p2.mart.b` (id STRING);\n",
        "c.sql": "CREATE TABLE `p2.mart.c` (id STRING);\n",
    })
    assert propose_bigquery_config(project_at(tmp_path), prefix="").splitlines()[2:] == [
        "# default-project: the schemas name 2 projects (p2 (2), p1 (1)), so none is the default.",
        "# default-dataset: the schemas name 2 datasets (mart (2), raw (1)), so none is the default."]


def test_bare_table_names_and_no_schemas(tmp_path):
    write_repo(tmp_path, {"t.sql": "CREATE TABLE t (id STRING);\n"})
    assert propose_bigquery_config(project_at(tmp_path), prefix="").splitlines()[2:] == [
        "# default-project: no schema names a project, so none is proposed.",
        "# default-dataset: no schema names a dataset, so none is proposed."]
    (tmp_path / "t.sql").unlink()
    assert propose_bigquery_config(project_at(tmp_path), prefix="") == ""
