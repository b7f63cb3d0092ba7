"""`preflight init`: the layout found in two differently laid out repositories, the section each
family proposes (or its fallback), and never replacing a configuration without --force."""

from pathlib import Path

import pytest

from gcp_preflight.cli import main
from gcp_preflight.config import load
from gcp_preflight.init import layout as layout_module
from gcp_preflight.init import proposals, run
from tests.helpers import assert_golden, found, write_repo

GOLDEN = Path(__file__).parent / "golden" / "init"

PYPROJECT = """\
[project]
name = "nba-pipeline"  # the team's own comment
version = "1.0"

[tool.black]
line-length = 100
"""

# The FIELD-GUIDE layout: config/, shared/config/, orchestration/cloud_functions/, bin/, schemas/bigquery/.
FIELD_GUIDE_REPO = {
    "pyproject.toml": PYPROJECT,
    "config/workflows.yaml": """
        scrapers:
          nbac_schedule:
            module: scrapers.nbacom.schedule
            processor_name: "p2_nbacom_schedule"
          bdl_box_scores:
            processor_name: "p2_bdl_box_scores"
        workflows:
          morning:
            steps: [nbac_schedule, bdl_box_scores]
        """,
    "shared/config/orchestration_config.py": """
        from dataclasses import dataclass, field

        @dataclass
        class PhaseTransitionConfig:
            phase2_expected_processors: list = field(default_factory=lambda: ["p2_bdl_box_scores", "p2_nbacom_schedule"])
            timeout_s: int = 30

        CLASS_TO_CONFIG_MAP = {"ScheduleProcessor": "p2_nbacom_schedule"}
        RETRIES = [1, 2, 3]
        """,
    "orchestration/cloud_functions/phase2_to_phase3/main.py": "def orchestrate(event, context):\n    return 'ok'\n",
    "orchestration/cloud_functions/phase2_to_phase3/requirements.txt": "google-cloud-bigquery\n",
    "orchestration/cloud_functions/phase2_to_phase3/shared": "-> ../../../shared",
    "bin/orchestrators/deploy_phase2_to_phase3.sh": """
        #!/bin/bash
        set -euo pipefail
        PROJECT_ID="nba-props-platform"
        REGION="${REGION:-us-west2}"
        gcloud functions deploy phase2-to-phase3 --gen2 --runtime python311 \\
          --source orchestration/cloud_functions/phase2_to_phase3 --entry-point orchestrate \\
          --region "$REGION" --project "$PROJECT_ID" --memory 512MB --trigger-topic phase2-complete
        """,
    "bin/sync_shared.sh": "#!/bin/bash\nrsync -a shared/ orchestration/cloud_functions/phase2_to_phase3/shared/\n",
    "schemas/bigquery/nba_raw/schedule.sql": "CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.schedule` (game_id STRING)\n",
    "schemas/bigquery/nba_raw/boxscores.json": '[{"name": "game_id", "type": "STRING", "mode": "REQUIRED"}]\n',
    "schemas/bigquery/nba_raw/notes.json": '{"owner": "data-team"}\n',
    "README.md": "# pipeline\n",
}

# Another layout: no pyproject, Cloud Run first, Cloud Build in deploy/, an extension-less deploy
# script, SQL under sql/, a YAML of workflows without processor_name, names in a settings module.
SERVICE_REPO = {
    "pipelines/jobs.yml": """
        workflows:
          - id: nightly
            scrapers: [espn_scores]
        """,
    "app/main.py": "app = None\n",
    "app/settings.py": """
        REQUIRED_SCRAPERS = ("espn_scores",)
        OPTIONAL_SCRAPERS = frozenset({"odds_api"})
        TIMEOUT = 30
        """,
    "services/api/Dockerfile": "FROM python:3.12-slim\nCOPY app/ ./app/\nCMD gunicorn app.main:app\n",
    "services/worker/worker.Dockerfile": "FROM python:3.12-slim\n",
    "functions/ingest/main.py": "def ingest(request):\n    return 'ok'\n",
    "deploy/cloudbuild-prod.yml": """
        steps:
          - name: gcr.io/google.com/cloudsdktool/cloud-sdk
            entrypoint: gcloud
            args: [run, deploy, api, --source, services/api, --region=asia-northeast1]
        """,
    "scripts/release": "#!/usr/bin/env bash\ngcloud run deploy worker \\\n  --image gcr.io/x/worker --region asia-northeast1\n",
    "scripts/notes.txt": "gcloud run deploy is in scripts/release\n",
    "sql/tables/scores.sql": "create or replace table raw.scores (id INT64);\n",
}


@pytest.fixture
def golden(update_goldens):
    return lambda name, text: assert_golden(GOLDEN / name, text, update_goldens)


@pytest.fixture(autouse=True)
def no_family_proposers(monkeypatch):
    """The fallbacks, whatever families are installed: family proposals have their own tests."""
    monkeypatch.setattr(proposals, "_proposer", lambda section: None)


def test_field_guide_layout_goes_into_pyproject(tmp_path, golden, capsys):
    write_repo(tmp_path, FIELD_GUIDE_REPO)
    assert main(["init", str(tmp_path)]) == 0
    text = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(PYPROJECT)  # the rest of the file is kept as it was
    golden("field_guide.pyproject.toml", text)
    assert not (tmp_path / "preflight.toml").exists()
    assert load(tmp_path).path == "pyproject.toml"
    assert capsys.readouterr().err.startswith(f"Wrote [tool.gcp-preflight] to pyproject.toml ({tmp_path / 'pyproject.toml'}).\n")


def test_field_guide_layout_detection(tmp_path):
    write_repo(tmp_path, FIELD_GUIDE_REPO)
    found_layout = run(tmp_path, dry_run=True).layout
    assert [(f.path, f.note) for f in found_layout.workflows] == [("config/workflows.yaml", "2 processor_name")]
    assert [(f.path, f.note) for f in found_layout.config_modules] == [
        ("shared/config/orchestration_config.py", "PhaseTransitionConfig.phase2_expected_processors, CLASS_TO_CONFIG_MAP")]
    assert [f.path for f in found_layout.functions] == ["orchestration/cloud_functions/phase2_to_phase3"]
    assert [f.path for f in found_layout.deploy_scripts] == ["bin/orchestrators/deploy_phase2_to_phase3.sh"]
    assert [f.path for f in found_layout.bigquery_schemas] == ["schemas/bigquery/nba_raw/boxscores.json",
                                                                "schemas/bigquery/nba_raw/schedule.sql"]
    assert [(v.value, v.places) for v in found_layout.projects] == [
        ("nba-props-platform", ("bin/orchestrators/deploy_phase2_to_phase3.sh:3",))]
    assert [(v.value, v.places) for v in found_layout.regions] == [
        ("us-west2", ("bin/orchestrators/deploy_phase2_to_phase3.sh:4",))]


def test_service_layout_goes_into_preflight_toml(tmp_path, golden):
    write_repo(tmp_path, SERVICE_REPO)
    result = run(tmp_path)
    assert result.path == tmp_path / "preflight.toml"
    golden("service.preflight.toml", (tmp_path / "preflight.toml").read_text(encoding="utf-8"))
    found_layout = result.layout
    assert [(f.path, f.note) for f in found_layout.workflows] == [("pipelines/jobs.yml", "workflows")]
    assert [(f.path, f.note) for f in found_layout.config_modules] == [("app/settings.py", "REQUIRED_SCRAPERS, OPTIONAL_SCRAPERS")]
    assert [(f.path, f.note) for f in found_layout.services] == [("services/api", "Dockerfile"),
                                                                 ("services/worker", "worker.Dockerfile")]
    assert found_layout.functions == []  # main.py without requirements.txt, and no deploy names it
    assert [f.path for f in found_layout.deploy_scripts] == ["scripts/release"]
    assert [f.path for f in found_layout.cloudbuild] == ["deploy/cloudbuild-prod.yml"]
    assert [f.path for f in found_layout.bigquery_schemas] == ["sql/tables/scores.sql"]
    assert found_layout.projects == []
    assert [(v.value, v.places) for v in found_layout.regions] == [
        ("asia-northeast1", ("deploy/cloudbuild-prod.yml:4", "scripts/release:3"))]


def test_check_right_after_init_finds_what_it_found_without_config(tmp_path):
    write_repo(tmp_path, {**SERVICE_REPO, "app/broken.py": "def f(:\n"})
    before = found(tmp_path)
    run(tmp_path)
    assert found(tmp_path) == before == [("PF002", "app/broken.py:1"), ("PF302", "deploy/cloudbuild-prod.yml:3"),
                                         ("PF302", "scripts/release:2")]


def test_existing_config_is_kept_without_force(tmp_path, capsys):
    write_repo(tmp_path, {**SERVICE_REPO, "preflight.toml": 'ignore = ["PF3"]\n'})
    assert main(["init", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        "preflight: preflight.toml already configures gcp-preflight; `preflight init --force` replaces it\n")
    assert (tmp_path / "preflight.toml").read_text(encoding="utf-8") == 'ignore = ["PF3"]\n'
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert load(tmp_path).ignore == []


def test_existing_pyproject_section_is_kept_without_force_and_replaced_with_it(tmp_path, capsys):
    write_repo(tmp_path, {**FIELD_GUIDE_REPO, "pyproject.toml": PYPROJECT + '\n[tool.gcp-preflight]\nignore = ["PF3"]\n'})
    assert main(["init", str(tmp_path)]) == 2
    assert "[tool.gcp-preflight] in pyproject.toml already configures gcp-preflight" in capsys.readouterr().err
    assert main(["init", str(tmp_path), "--force"]) == 0
    text = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(PYPROJECT) and text.count("[tool.gcp-preflight]") == 1 and 'ignore = ["PF3"]' not in text
    assert load(tmp_path).ignore == []


def test_a_pyproject_whose_tool_tables_are_split_gets_the_section_appended(tmp_path):
    split = '[tool.poetry]\nname = "x"\n\n[build-system]\nrequires = []\n\n[tool.black]\nline-length = 99\n'
    write_repo(tmp_path, {**FIELD_GUIDE_REPO, "pyproject.toml": split})
    assert main(["init", str(tmp_path)]) == 0
    text = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(split + "\n[tool.gcp-preflight]\n")
    assert load(tmp_path).path == "pyproject.toml" and load(tmp_path).ignore == []


def test_dry_run_prints_and_writes_nothing(tmp_path, capsys):
    write_repo(tmp_path, SERVICE_REPO)
    assert main(["init", str(tmp_path), "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("# gcp-preflight configuration, proposed by `preflight init`")
    assert not (tmp_path / "preflight.toml").exists()


# -- family proposals ------------------------------------------------------------------------------
def _with(monkeypatch, **functions):
    monkeypatch.setattr(proposals, "_proposer", lambda section: functions.get(section))


def test_a_family_proposal_is_used_in_either_form(tmp_path, monkeypatch):
    write_repo(tmp_path, SERVICE_REPO)
    _with(monkeypatch,
          memory=lambda project: '# from the family\nfunction-floor = "1GiB"\n',
          names=lambda project: '[names]\n# a sub-table form\n')
    result = run(tmp_path)
    assert result.notes == []
    assert load(tmp_path).section("memory") == {"function-floor": "1GiB"}
    assert '[memory]\n# from the family\nfunction-floor = "1GiB"\n' in result.text
    assert "[names]\n# a sub-table form\n" in result.text


def test_a_broken_family_proposal_falls_back_to_comments(tmp_path, monkeypatch):
    write_repo(tmp_path, SERVICE_REPO)

    def crash(project):
        raise RuntimeError("boom")

    _with(monkeypatch, memory=lambda project: 'no-such-key = 1\n', names=crash, deploy=lambda project: "x = = 1\n")
    result = run(tmp_path)
    assert result.notes == [
        "the names proposal failed (RuntimeError: boom); wrote comments instead",
        "the memory proposal was not usable (proposal: memory.no-such-key: unknown key (expected one of: "
        "floors, function-floor, job-floor, service-floor)); wrote comments instead",
        "the deploy proposal was not usable (not valid TOML: Unexpected character: '=' at line 1 col 4); wrote comments instead",
    ]
    assert load(tmp_path).section("memory") == {}  # the floors follow evidence; the keys are comments


def test_a_missing_family_module_means_no_proposer(monkeypatch):
    monkeypatch.undo()  # the real lookup
    monkeypatch.setitem(proposals.PROPOSERS, "bigquery", "gcp_preflight.rules.no_such_family:propose_bigquery_config")
    assert proposals._proposer("bigquery") is None
    monkeypatch.setitem(proposals.PROPOSERS, "bigquery", "gcp_preflight.rules.structure.rules:propose_bigquery_config")
    assert proposals._proposer("bigquery") is None


def test_region_and_project_spellings():
    values = layout_module._FLAG_VALUE, layout_module._ASSIGNED, layout_module._DEFAULTED
    import re

    def grab(line):
        return [m.group(1) for s in values
                for m in re.finditer(s.format(flag="region", names="REGION", pattern=layout_module.REGION), line)]
    assert grab('  --region="us-central1" \\') == ["us-central1"]
    assert grab("export REGION=europe-west4  # prod") == ["europe-west4"]
    assert grab('REGION="${REGION:=us-east1}"') == ["us-east1"]
    assert grab("--region $REGION") == []


# -- the example pipeline ----------------------------------------------------------------------------
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "pipeline"


def _places(root: Path) -> list[tuple[str, str]]:
    return found(root)  # (code, "path:line"): source names in messages may differ from the hand-written ones


def _live(root: Path, capsys) -> list[tuple[str, str]]:
    import json

    main(["validate-all", str(root), "--no-cache", "--select", "PF9", "--format", "json"])
    return [(f["code"], f"{f['path']}:{f['line']}") for f in json.loads(capsys.readouterr().out)["findings"]]


def test_check_after_init_on_the_example_matches_the_hand_written_config(tmp_path, monkeypatch, capsys):
    """init on the example, with its hand-written preflight.toml removed, proposes what gives
    the same static and live findings: every contract, floor, policy and inventory by evidence."""
    monkeypatch.undo()  # the real family proposers
    import shutil

    copy = tmp_path / "pipeline"
    shutil.copytree(EXAMPLE, copy, symlinks=True)
    (copy / "preflight.toml").unlink()
    assert run(copy).notes == []
    assert _places(copy) == _places(EXAMPLE)
    live = _live(copy, capsys)  # the proposed [audit] finds the shipped inventory
    assert live == _live(EXAMPLE, capsys) and len(live) == 12


def test_the_names_family_proposal_is_written_and_read_back(tmp_path, monkeypatch):
    monkeypatch.undo()  # the real family proposers
    write_repo(tmp_path, FIELD_GUIDE_REPO)
    result = run(tmp_path)
    assert [note for note in result.notes if "names" in note] == []
    names = load(tmp_path).section("names")
    assert names["sources"]["declared"] == {"yaml": "config/workflows.yaml", "select": "**.processor_name"}
    assert {"kind": "subset", "source": "phase2_expected_processors", "target": "declared"} in names["contracts"]
    assert "[tool.gcp-preflight.names.sources.declared]\n" in result.text


@pytest.mark.parametrize("repo", [FIELD_GUIDE_REPO, SERVICE_REPO], ids=["field-guide", "service"])
def test_every_family_proposal_is_usable_and_changes_no_finding_on_both_layouts(tmp_path, monkeypatch, repo):
    monkeypatch.undo()  # the real family proposers
    write_repo(tmp_path, repo)
    before = found(tmp_path)
    result = run(tmp_path)
    assert result.notes == []
    assert found(tmp_path) == before
    config = load(tmp_path)
    assert {s: config.section(s) for s in ("memory", "deploy", "packaging", "bigquery", "audit")} == {
        "memory": {},
        "deploy": {},
        "packaging": {},
        "bigquery": ({"default-project": "nba-props-platform", "default-dataset": "nba_raw"} if repo is FIELD_GUIDE_REPO
                     else {"default-dataset": "raw"}),
        "audit": {"project": "nba-props-platform"} if repo is FIELD_GUIDE_REPO else {},
    }


def test_a_package_built_in_a_temporary_folder_is_not_a_repository_unit(tmp_path):
    write_repo(tmp_path, {
        "functions/sync/main.py": "def sync(request):\n    return 'ok'\n",
        "functions/sync/requirements.txt": "functions-framework\n",
        "bin/deploy.sh": """
            #!/bin/bash
            BUILD_DIR=$(mktemp -d)
            cp -r functions/sync/. "$BUILD_DIR/"
            gcloud functions deploy sync --gen2 --runtime python311 --source "$BUILD_DIR" --entry-point sync
        """,
    })
    assert [(f.path, f.note) for f in run(tmp_path, dry_run=True).layout.functions] == [
        ("functions/sync", "main.py, requirements.txt")]


def test_every_proposed_section_names_the_rule_family_it_reads():
    from gcp_preflight.init.proposals import FAMILIES, SECTIONS

    assert set(FAMILIES) == set(SECTIONS)


def test_init_with_the_names_proposal_in_a_forked_child_proposes_what_a_serial_run_does(tmp_path, monkeypatch):
    monkeypatch.undo()  # the real family proposers
    import shutil

    from gcp_preflight import forked

    copy = tmp_path / "pipeline"
    shutil.copytree(EXAMPLE, copy, symlinks=True)
    (copy / "preflight.toml").unlink()
    children = []
    result = forked.result
    monkeypatch.setattr(forked, "result", lambda child: children.append(child) or result(child))
    monkeypatch.setenv("PREFLIGHT_JOBS", "1")
    serial = run(copy, dry_run=True)
    assert children == []
    monkeypatch.setenv("PREFLIGHT_JOBS", "2")
    parallel = run(copy, dry_run=True)
    assert [c.process.exitcode for c in children] == [0]
    assert parallel.text == serial.text and parallel.notes == serial.notes
    assert "[names.sources." in serial.text


def test_init_finds_the_layout_once_in_this_process_while_the_child_proposes_names(tmp_path, monkeypatch):
    monkeypatch.undo()  # the real family proposers
    import os
    import shutil

    import gcp_preflight.init as init
    from gcp_preflight import forked

    copy = tmp_path / "pipeline"
    shutil.copytree(EXAMPLE, copy, symlinks=True)
    (copy / "preflight.toml").unlink()
    calls = tmp_path / "detect-calls"
    detect, start = init.detect, forked.start

    def counted(project):
        with open(calls, "a", encoding="utf-8") as out:  # the child's calls too
            out.write(f"{os.getpid()} detect\n")
        return detect(project)

    def started(*args):
        with open(calls, "a", encoding="utf-8") as out:
            out.write("child started\n")
        return start(*args)

    monkeypatch.setattr(init, "detect", counted)
    monkeypatch.setattr(forked, "start", started)
    monkeypatch.setenv("PREFLIGHT_JOBS", "1")
    serial = run(copy, dry_run=True)
    calls.unlink()
    monkeypatch.setenv("PREFLIGHT_JOBS", "2")
    parallel = run(copy, dry_run=True)
    assert calls.read_text(encoding="utf-8") == f"child started\n{os.getpid()} detect\n"
    assert parallel.layout == serial.layout and parallel.text == serial.text
