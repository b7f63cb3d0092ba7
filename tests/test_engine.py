"""Engine behaviour: cache, selection, suppressions, baseline, path filters, discovery, fixes."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from gcp_preflight import engine
from gcp_preflight.cli import find_root, main
from gcp_preflight.config import Config
from gcp_preflight.discovery import walk
from gcp_preflight.fixes import apply_edits
from gcp_preflight.model import TextEdit
from gcp_preflight.validators.python import source as python_source
from tests.helpers import found, run, write_repo

BAD = {
    "preflight.toml": "",
    "app/a.py": "def f(:\n    pass\n",
    "app/b.py": "x = (\n",
    "tests/c.py": "def g(:\n",
}


def test_second_run_reads_cache_and_prints_identical_output(tmp_path, capsys, monkeypatch):
    write_repo(tmp_path, dict(BAD, **{"app/ok.py": "import os\n", "cfg/a.yaml": "a: 1\n"}))
    calls = []
    real = python_source.parse
    monkeypatch.setattr(python_source, "parse", lambda source: calls.append(source.path) or real(source))
    assert main(["check", "--root", str(tmp_path)]) == 1
    first = capsys.readouterr().out
    assert sorted(calls) == ["app/a.py", "app/b.py", "app/ok.py", "tests/c.py"]
    calls.clear()
    assert main(["check", "--root", str(tmp_path)]) == 1
    assert capsys.readouterr().out == first
    assert calls == []
    (tmp_path / "app/ok.py").write_text("import sys\n")
    main(["check", "--root", str(tmp_path)])
    assert calls == ["app/ok.py"]  # only the changed file is parsed again


def test_corrupt_cache_entries_are_misses(tmp_path, capsys, monkeypatch):
    import sqlite3

    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    repo = write_repo(tmp_path / "repo", BAD)
    main(["check", "--root", str(repo)])
    first = capsys.readouterr().out
    db = sqlite3.connect(tmp_path / "cache" / "facts-v4.sqlite3")
    forged = b"cos\nsystem\n(S'touch " + str(tmp_path / "ran").encode() + b"'\ntR."  # os.system("touch ...")
    with db:
        assert db.execute("UPDATE facts SET value = ?", (forged,)).rowcount == 3
        assert db.execute("UPDATE runs SET value = ?", (forged,)).rowcount == 1
    db.close()
    main(["check", "--root", str(repo)])
    assert capsys.readouterr().out == first
    assert not (tmp_path / "ran").exists()


def test_a_store_of_an_older_format_is_removed_when_the_new_one_is_made(tmp_path, capsys, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    for name in ("facts-v3.sqlite3", "facts-v3.sqlite3-wal", "facts-v3.sqlite3-shm", "notes.txt"):
        (cache / name).write_bytes(b"old")
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(cache))
    repo = write_repo(tmp_path / "repo", BAD)
    assert main(["check", "--root", str(repo)]) == 1
    assert sorted(p.name for p in cache.iterdir()) == ["facts-v4.sqlite3", "notes.txt", "valid-configs"]


def test_an_unchanged_tree_is_answered_from_the_run_cache(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    repo = write_repo(tmp_path / "repo", dict(BAD, **{"app/ok.py": "import os\n"}))
    assert main(["check", "--root", str(repo)]) == 1
    first = capsys.readouterr().out
    built = []
    real_init = engine.Project.__init__
    monkeypatch.setattr(engine.Project, "__init__", lambda self, *a, **k: built.append(1) or real_init(self, *a, **k))
    assert main(["check", "--root", str(repo), str(repo / "app/a.py")]) == 1  # a path filter applies to the cached result
    assert capsys.readouterr().out == first.splitlines()[0] + "\nFound 1 finding (1 error).\n"
    assert built == []
    (repo / "app/ok.py").write_text("import os, sys\n")  # size and mtime change: read again
    assert main(["check", "--root", str(repo)]) == 1
    assert capsys.readouterr().out == first and built == [1]
    assert main(["check", "--root", str(repo), "--select", "PF002,PF0"]) == 1  # another selection: another run
    assert built == [1, 1]


@pytest.mark.parametrize("select, ignore, expected", [
    ((), (), ["PF002", "PF002", "PF002"]),
    (("PF0",), ("PF002",), []),
    (("PF002",), ("PF0",), ["PF002", "PF002", "PF002"]),
    (("PF1",), (), []),
])
def test_select_ignore_longest_prefix_wins(tmp_path, select, ignore, expected):
    write_repo(tmp_path, BAD)
    assert [c for c, _ in found(tmp_path, select, ignore=ignore)] == expected


def test_per_file_ignores_and_severity_override(tmp_path, capsys):
    write_repo(tmp_path, dict(BAD, **{"preflight.toml": '[per-file-ignores]\n"tests/*" = ["PF002"]\n[severity]\nPF002 = "info"\n'}))
    assert found(tmp_path) == [("PF002", "app/a.py:1"), ("PF002", "app/b.py:1")]
    assert main(["check", "--root", str(tmp_path), "--no-cache"]) == 0  # info does not fail by default
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--fail-on", "info"]) == 1


def test_exit_zero_and_usage_errors(tmp_path, capsys):
    write_repo(tmp_path, BAD)
    assert main(["check", "--root", str(tmp_path), "--exit-zero", "--no-cache"]) == 0
    assert main(["rule", "PF999"]) == 2
    assert main(["check", "--root", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "preflight: unknown rule PF999; `preflight rules` lists them\n" in err
    assert f"preflight: --root {tmp_path / 'nope'}: not a directory\n" in err


def test_baseline_hides_old_findings_after_lines_move(tmp_path, capsys):
    write_repo(tmp_path, BAD)
    baseline = tmp_path / "baseline.json"
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--write-baseline", str(baseline)]) == 0
    assert [e["code"] for e in json.loads(baseline.read_text())["findings"]] == ["PF002"] * 3
    (tmp_path / "app/a.py").write_text("import os\n\n\ndef f(:\n    pass\n")  # the old finding moves down
    (tmp_path / "app/new.py").write_text("class C(\n")  # a new one appears
    capsys.readouterr()
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--baseline", str(baseline)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "app/new.py:1:8: error PF002 syntax error: '(' was never closed",
        "Found 1 finding (1 error).",
    ]


def test_bad_baseline_is_one_line_exit_2(tmp_path, capsys):
    write_repo(tmp_path, dict(BAD, **{"baseline.json": "[1, 2]"}))
    assert main(["check", "--root", str(tmp_path), "--baseline", str(tmp_path / "baseline.json")]) == 2
    assert capsys.readouterr().err == f"preflight: {tmp_path / 'baseline.json'}: not a gcp-preflight baseline (expected {{\"findings\": [...]}})\n"


def test_paths_filter_reports_only_those_files(tmp_path, capsys, monkeypatch):
    write_repo(tmp_path, BAD)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "app/b.py", "--no-cache"]) == 1
    assert capsys.readouterr().out.splitlines()[0].startswith("app/b.py:1:5: error PF002")


def test_discovery_honours_gitignore_excludes_and_records_links(tmp_path):
    write_repo(tmp_path, {
        ".gitignore": "generated/\n*.tmp.py\n",
        "app/main.py": "x = 1\n",
        "app/skip.tmp.py": "x = (\n",
        "generated/out.py": "x = (\n",
        "vendor/lib.py": "x = (\n",
        "sub/.gitignore": "local.py\n",
        "sub/local.py": "x = (\n",
        "sub/kept.py": "x = 1\n",
        ".venv/lib.py": "x = (\n",
        "fn/shared/link.py": "-> ../../app/main.py",
        "fn/shared/dangling.py": "-> ../../app/typo.py",
        "fn/shared/app": "-> ../../app",
    })
    tree = walk(tmp_path, ("vendor/",))
    assert tree.files == (".gitignore", "app/main.py", "sub/.gitignore", "sub/kept.py")
    assert [(s.path, s.target, s.exists, s.is_dir) for s in tree.symlinks] == [
        ("fn/shared/app", "app", True, True),
        ("fn/shared/dangling.py", "app/typo.py", False, False),
        ("fn/shared/link.py", "app/main.py", True, False),
    ]


def test_root_discovery(tmp_path, monkeypatch):
    write_repo(tmp_path, {"repo/.git/HEAD": "", "repo/pkg/preflight.toml": "", "repo/pkg/a/b.py": "", "repo/other/c.py": ""})
    assert find_root([str(tmp_path / "repo/pkg/a/b.py")], None) == (tmp_path / "repo/pkg").resolve()
    assert find_root([str(tmp_path / "repo/other/c.py")], None) == (tmp_path / "repo").resolve()


def test_apply_edits_skips_overlaps():
    text = "alpha\nbeta\ngamma\n"
    edits = [TextEdit("f", 2, 1, 2, 5, "BETA"), TextEdit("f", 2, 2, 2, 3, "x"), TextEdit("f", 1, 1, 1, 1, "# ")]
    assert apply_edits(text, edits) == ("# alpha\nBETA\ngamma\n", 2)


def test_symlink_loop_and_unreadable_dir_do_not_crash(tmp_path):
    write_repo(tmp_path, {"a/loop": "-> ../a/loop", "a/x.py": "y = (\n"})
    assert found(tmp_path) == [("PF002", "a/x.py:1")]


def test_parallel_parsing_gives_the_same_report_as_serial(tmp_path, capsys, monkeypatch):
    files = {f"pkg/m{i:03}.py": ("x = (\n" if i % 40 == 0 else f"VALUE_{i} = {i}\n") for i in range(170)}
    repo = write_repo(tmp_path / "repo", dict(files, **{"cfg/bad.yaml": "a: [\n"}))
    reports = []
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    # serial, parallel, parallel filling the cache (facts sent from the workers as cache
    # entries), and facts from that cache (another selection: not the run cache)
    for jobs, options in (("1", ["--no-cache"]), ("2", ["--no-cache"]), ("2", []), ("2", ["--select", "PF"])):
        monkeypatch.setenv("PREFLIGHT_JOBS", jobs)
        assert main(["check", "--root", str(repo), "--format", "json", *options]) == 1
        report = json.loads(capsys.readouterr().out)
        report["summary"].pop("duration_s")
        reports.append(report)
    assert reports[0] == reports[1] == reports[2] == reports[3]
    assert [(f["code"], f["path"]) for f in reports[0]["findings"]] == [
        ("PF003", "cfg/bad.yaml"), ("PF002", "pkg/m000.py"), ("PF002", "pkg/m040.py"),
        ("PF002", "pkg/m080.py"), ("PF002", "pkg/m120.py"), ("PF002", "pkg/m160.py")]


def test_fifo_and_other_special_files_are_skipped_not_read(tmp_path):
    import os

    write_repo(tmp_path, {"app/x.py": "y = (\n"})
    os.mkfifo(tmp_path / "app" / "pipe.py")  # reading it would block forever
    assert found(tmp_path) == [("PF002", "app/x.py:1")]


def test_a_reader_failure_exits_2_even_with_exit_zero_and_still_reports(tmp_path, capsys, monkeypatch):
    write_repo(tmp_path, {"preflight.toml": "", "app/main.py": "x = 1\n", "app/b.py": "def f(:\n"})

    def crash(source):
        raise RuntimeError("boom")

    monkeypatch.setattr(python_source, "parse", crash)
    for extra in ([], ["--exit-zero"]):
        assert main(["check", "--root", str(tmp_path), "--no-cache", *extra]) == 2
        captured = capsys.readouterr()
        assert captured.out.splitlines()[0] == (
            "app/b.py:1:1: error PF009 internal error in the python reader: RuntimeError: boom")
        assert captured.err == "preflight: a reader failed (PF009), so findings may be missing; exit status 2\n"
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--ignore", "PF009"]) == 0  # said and accepted


def test_every_configured_pattern_matches_as_gitignore_does(tmp_path, capsys):
    """`deploy.sh` matches it in any folder, for exclude, per-file-ignores, floors and names sources."""
    write_repo(tmp_path, {
        "preflight.toml": """
            [per-file-ignores]
            "deploy.sh" = ["PF301"]
            [memory.floors]
            "*-big" = "2GiB"
            [names.sources.declared]
            python = "registry.py"
            symbol = "NAMES"
            [names.sources.used]
            python = "settings.py"
            symbol = "USED"
            [[names.contracts]]
            kind = "subset"
            source = "used"
            target = "declared"
            """,
        "fn/main.py": "def fn(event, context):\n    return 1\n",
        "bin/x/deploy.sh": "gcloud functions deploy fn --entry-point fn --gen2 --memory 256MB --source fn\n",
        "bin/other.sh": "gcloud functions deploy fn-big --entry-point fn --gen2 --memory 1GiB --source fn\n",
        "app/registry.py": 'NAMES = ["a", "b"]\n',
        "app/settings.py": 'USED = ["a", "c"]\n',
    })
    assert found(tmp_path, select=("PF1", "PF3")) == [("PF101", "app/settings.py:1"), ("PF301", "bin/other.sh:1")]
    (tmp_path / "preflight.toml").write_text('[per-file-ignores]\n"!" = ["PF1"]\n')
    assert main(["check", "--root", str(tmp_path), "--no-cache"]) == 2
    assert "per-file-ignores.\"!\": pattern '!' cannot be used" in capsys.readouterr().err


def test_the_cache_key_includes_the_parsing_libraries_versions(monkeypatch):
    from importlib import metadata

    from gcp_preflight import project

    real = metadata.version
    before = project._code_fingerprint()
    monkeypatch.setattr(metadata, "version", lambda name: "0.0.1" if name == "sqlglot" else real(name))
    assert "sqlglot==0.0.1" in project.parser_versions()
    assert project._code_fingerprint() != before


def test_errors_in_tests_are_warnings_and_skipped_test_modules_say_nothing(tmp_path):
    """issue 12 cause 9: tests never deploy; a module pytest skips as a whole never runs."""
    broken = "class Report:\n    def send(self):\n        return 1\n\n\ndef use():\n    report = Report()\n    report.sendd()\n"
    write_repo(tmp_path, {
        "preflight.toml": "[severity]\nPF002 = \"error\"\n",
        "app/report.py": broken,
        "tests/test_report.py": broken,
        "app/report_test.py": broken,
        "tests/test_skipped.py": "import pytest\n\npytestmark = pytest.mark.skip(reason='old')\n\n" + broken,
        "tests/test_skipped_later.py": "import pytest\n\npytest.skip('old', allow_module_level=True)\n" + broken,
        "tests/test_skip_if.py": "import pytest\n\npytestmark = [pytest.mark.skipif(True, reason='x')]\n" + broken,
        "tests/test_maybe.py": "import pytest, sys\n\npytestmark = pytest.mark.skipif(sys.platform == 'x', reason='x')\n"
                               + broken,
        "tests/test_syntax.py": "def f(:\n",
    })
    assert [(f.code, f.severity.value, f"{f.location.path}:{f.location.line}") for f in run(tmp_path)] == [
        ("PF502", "error", "app/report.py:8"),
        ("PF502", "warning", "app/report_test.py:8"),
        ("PF502", "warning", "tests/test_maybe.py:11"),
        ("PF502", "warning", "tests/test_report.py:8"),
        ("PF002", "error", "tests/test_syntax.py:1"),  # the configured severity wins
    ]


def test_a_cached_run_keeps_a_pf401_fix_as_its_recipe_and_builds_it_again_when_asked(tmp_path, monkeypatch):
    # Storing the run must not build the fix (that loads libcst on every check finding a PF401);
    # the run cache's answer still carries the same fix, built from the file when asked.
    from gcp_preflight.rules.bigquery.fix import LazyFix
    from tests.rules.test_bigquery import SEED

    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    repo = write_repo(tmp_path / "repo", SEED)
    first, _ = engine.check(repo, Config())
    fixed = [f for f in first.findings if f.code == "PF401"]
    assert [(f.location.path, f.location.line) for f in fixed] == [("orchestration/main.py", 12)]
    assert isinstance(fixed[0].fix, LazyFix) and not fixed[0].fix.built
    second, answered = engine.check(repo, Config())
    assert isinstance(answered, engine.SourceLines)  # from the run cache
    again = [f for f in second.findings if f.code == "PF401"][0]
    assert isinstance(again.fix, LazyFix) and not again.fix.built
    assert again.fix.description == fixed[0].fix.description == "wrap the value in json.dumps(...)"
    assert again.fix.edits == fixed[0].fix.edits == (
        TextEdit("orchestration/main.py", 12, 21, 12, 29, "json.dumps(metadata)"),
        TextEdit("orchestration/main.py", 2, 1, 2, 1, "import json\n"))
    # A caller whose report prints edits (JSON, --diff, --fix) has them built anyway: the run
    # cache keeps them, so its next answer needs no libcst.
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache-json"))
    engine.check(repo, Config(), keep_edits=True)
    third, answered = engine.check(repo, Config(), keep_edits=True)
    kept = [f for f in third.findings if f.code == "PF401"][0]
    assert isinstance(answered, engine.SourceLines) and not isinstance(kept.fix, LazyFix)
    assert kept.fix.edits == again.fix.edits
    # ... for the findings it shows: checking other files (pre-commit), the fix stays a recipe
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache-elsewhere"))
    other = next(rel for rel in SEED if rel.endswith(".py") and rel != "orchestration/main.py")
    engine.check(repo, Config(), keep_edits=True, only_paths=(other,))
    fourth, answered = engine.check(repo, Config())
    later = [f for f in fourth.findings if f.code == "PF401"][0]
    assert isinstance(answered, engine.SourceLines) and isinstance(later.fix, LazyFix) and not later.fix.built
    assert later.fix.edits == again.fix.edits


def test_every_fact_of_the_example_pipeline_comes_back_from_the_cache(tmp_path, monkeypatch):
    # A fact holding a value the cache's loader refuses (a type not registered) would be read
    # again on every run, silently: on the example, which has every kind of file, none is.
    import shutil

    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "pipeline"
    shutil.copytree(Path(__file__).parent.parent / "examples" / "pipeline", repo, symlinks=True)
    first, _ = engine.check(repo, Config())
    second, project = engine.check(repo, Config(), selection=engine.Selection(("PF0",), ()))  # not the run cache
    # every file read, and the linked evaluation of the one script that sources another
    assert (project.cache.hits, project.cache.misses) == (first.files + 1, 0)
    assert second.files == first.files > 100


def test_an_analysis_is_released_once_no_family_left_reads_it(tmp_path):
    from types import SimpleNamespace

    from gcp_preflight.project import Project, shared_analysis

    calls = []

    def local(project):
        calls.append("local")
        return object()

    @shared_analysis("PF4")
    def shared(project):
        calls.append("shared")
        return object()

    def rule(code, *analyses):
        return SimpleNamespace(code=code, check=lambda project: [project.memo(a) for a in analyses] and [])

    project = Project(tmp_path, Config(), [], use_cache=False)
    engine.run_rules(project, [rule("PF101", local, shared), rule("PF102", local), rule("PF401", local, shared),
                               rule("PF501", shared)], engine.Selection((), ()))
    # PF102 reads PF101's; PF401 computes `local` again but keeps `shared`, which no family
    # after PF4 names, so PF501 computes it again
    assert calls == ["local", "shared", "local", "shared"]


def test_a_file_changed_after_it_was_hashed_is_read_as_it_is_now_and_not_cached(tmp_path):
    # The main process keeps only a file's hash; its reader reads it again. Facts of content
    # other than what was hashed must not be stored under that hash's key.
    from gcp_preflight.project import ParseJob, parse_files
    from gcp_preflight.validators import default_validators
    from gcp_preflight.validators.python.source import PythonModule

    validators = default_validators()
    wanting = tuple(i for i, v in enumerate(validators) if v.name == "python")
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("y = 2\n", encoding="utf-8")
    import hashlib

    hashed = hashlib.sha256(b"x = 1\n").hexdigest()
    jobs = [ParseJob(0, "a.py", hashed, wanting, "key-a"), ParseJob(1, "b.py", hashed, wanting, "key-b")]
    (found_a, entry_a), (found_b, entry_b) = parse_files(validators, jobs, True, tmp_path)
    assert [m.path for m in found_a if isinstance(m, PythonModule)] == ["a.py"] and entry_a is not None
    assert [m.path for m in found_b if isinstance(m, PythonModule)] == ["b.py"] and entry_b is None


LAZY_REPO = {
    "app/a.py": "import os\n\n\ndef run():\n    return os.getcwd()\n",
    "app/b.py": "from app.a import run\n\nVALUE = run()\n",
    "app/c.py": "-> a.py",
    "app/main.py": "import b\n\n\ndef handler(request):\n    return b.VALUE\n",
    "deploy.sh": "gcloud functions deploy fn --gen2 --runtime python311 --region us-central1 --source app "
                 "--memory 128MB --trigger-http\n",
}


def _warm_project(tmp_path, monkeypatch):
    from gcp_preflight.project import Project
    from gcp_preflight.validators import default_validators

    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    if not repo.exists():
        write_repo(repo, LAZY_REPO)
    first = Project(repo, Config(), default_validators())
    return first, Project(repo, Config(), default_validators())


def test_facts_from_the_cache_are_decoded_only_for_the_types_asked(tmp_path, monkeypatch):
    from gcp_preflight import facts
    from gcp_preflight.discovery import Symlink
    from gcp_preflight.validators.python.source import PythonModule

    fresh, warm = _warm_project(tmp_path, monkeypatch)
    decoded = []
    real = facts.loads_of_type
    monkeypatch.setattr(facts, "loads_of_type", lambda kind, data: decoded.append(kind.__name__) or real(kind, data))
    assert [m.path for m in warm.facts(PythonModule)] == ["app/a.py", "app/b.py", "app/main.py"]
    assert warm.facts(PythonModule) == fresh.facts(PythonModule)
    assert decoded == ["PythonModule"] * 3  # one group per file, of that type only
    assert warm.facts_in("app/b.py", PythonModule) == fresh.facts_in("app/b.py", PythonModule)
    assert decoded == ["PythonModule"] * 3  # indexed once
    assert [s.path for s in warm.facts(Symlink)] == ["app/c.py"] and decoded == ["PythonModule"] * 3


def test_facts_asked_file_by_file_are_decoded_only_for_those_files(tmp_path, monkeypatch):
    from gcp_preflight import facts
    from gcp_preflight.validators.base import Problem, problem
    from gcp_preflight.validators.python.source import PythonModule

    fresh, warm = _warm_project(tmp_path, monkeypatch)
    decoded = []
    real = facts.loads_of_type
    monkeypatch.setattr(facts, "loads_of_type", lambda kind, data: decoded.append(kind.__name__) or real(kind, data))
    assert warm.facts_in("app/b.py", PythonModule) == fresh.facts_in("app/b.py", PythonModule) != ()
    assert decoded == ["PythonModule"]  # that file's group only
    assert warm.facts_in("app/b.py", Problem) == ()
    late = problem("PF004", "app/b.py", 1, 1, "added once the files were read")
    warm._add(late, "app/b.py")  # (a live audit's facts come so) for a file already asked about
    assert warm.facts_in("app/b.py", Problem) == (late,)
    assert warm.facts(PythonModule) == fresh.facts(PythonModule)
    assert decoded == ["PythonModule"] * 3  # the other two files' groups, b's not again
    assert warm.facts_in("app/b.py", PythonModule) == fresh.facts_in("app/b.py", PythonModule)
    assert warm.facts(Problem) == (late,) and warm.facts_in("app/b.py", Problem) == (late,)


def test_a_functions_locals_are_decoded_only_where_a_dotted_name_is_looked_up(tmp_path, monkeypatch):
    from gcp_preflight import facts
    from gcp_preflight.rules.names.check import python_index

    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    files = {f"m{i}.py": f"X = 1\n\n\ndef f():\n    table = ['t{i}']\n    return table\n\n\nclass C:\n    A = 'a'\n"
             for i in range(3)}
    repo = write_repo(tmp_path / "repo", files)
    from gcp_preflight.project import Project
    from gcp_preflight.validators import default_validators

    Project(repo, Config(), default_validators())  # fills the cache
    warm = Project(repo, Config(), default_validators())
    decoded = []
    real = facts.loads_of_type
    monkeypatch.setattr(facts, "loads_of_type", lambda kind, data: decoded.append(kind.__name__) or real(kind, data))
    index = python_index(warm)
    assert "PyLocalBinding" not in decoded
    assert index.binding("m1.py", "X").location.line == 1
    assert index.binding("m0.py", "C.A").value.text == "a"
    assert index.binding("m0.py", "C.missing") is None  # an attribute of a class here: no local
    assert "PyLocalBinding" not in decoded
    assert index.binding("m1.py", "f.table").value.items[0].text == "t1"
    assert index.binding("m1.py", "f.other") is None
    assert decoded.count("PyLocalBinding") == 1  # m1.py's, once
    assert [b.path for b in index.every("f.table")] == ["m0.py", "m1.py", "m2.py"]
    assert decoded.count("PyLocalBinding") == 3


def test_a_cache_entry_group_that_does_not_load_is_read_again(tmp_path, monkeypatch):
    import pickle
    import sqlite3

    from gcp_preflight import facts
    from gcp_preflight.validators.python.source import PythonModule

    fresh, _ = _warm_project(tmp_path, monkeypatch)
    db = sqlite3.connect(tmp_path / "cache" / "facts-v4.sqlite3")
    with db:
        for key, value in list(db.execute("SELECT key, value FROM facts")):
            groups = facts.loads_by_type(value)
            if any(name == "PythonModule" for name, _ in groups):  # that group, and only it, broken
                broken = tuple((name, b"not a pickle" if name == "PythonModule" else group) for name, group in groups)
                db.execute("UPDATE facts SET value = ? WHERE key = ?", (pickle.dumps(broken, protocol=5), key))
    db.close()
    _, warm = _warm_project(tmp_path, monkeypatch)
    assert warm.facts(PythonModule) == fresh.facts(PythonModule)
    assert [m.path for m in warm.facts(PythonModule)] == ["app/a.py", "app/b.py", "app/main.py"]
    assert sorted(warm._fallback) == ["app/a.py", "app/b.py", "app/main.py"]  # read again, once each


@pytest.mark.parametrize("jobs", ["1", "2"])  # with 2, workers send the entries the main process decodes by type
def test_a_warm_run_gives_the_cold_report_with_facts_decoded_by_type(tmp_path, capsys, monkeypatch, jobs):
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PREFLIGHT_JOBS", jobs)
    repo = write_repo(tmp_path / "repo", LAZY_REPO)
    assert main(["check", "--root", str(repo), "--no-cache", "--format", "json"]) == 1
    cold = json.loads(capsys.readouterr().out)
    main(["check", "--root", str(repo), "--format", "json"])  # fills the cache
    capsys.readouterr()
    (repo / "app/b.py").write_text("from app.a import run\n\nVALUE = run()\nOTHER = 1\n")  # not the run cache
    assert main(["check", "--root", str(repo), "--format", "json"]) == 1
    warm = json.loads(capsys.readouterr().out)
    for report in (cold, warm):
        report["summary"].pop("duration_s")
    assert warm == cold
    assert [(f["code"], f["path"], f["line"]) for f in warm["findings"]] == [("PF202", "app/b.py", 1),
                                                                             ("PF205", "deploy.sh", 1)]


def _example_json(tmp_path, capsys, monkeypatch, jobs: str) -> dict:
    monkeypatch.setenv("PREFLIGHT_JOBS", jobs)
    main(["check", "--root", str(Path(__file__).parent.parent / "examples" / "pipeline"), "--no-cache",
          "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    report["summary"].pop("duration_s")
    return report


def test_rules_run_in_a_forked_child_give_the_serial_report(tmp_path, capsys, monkeypatch):
    # With two workers the Python rules (engine.FORKED_FAMILIES) run in a child: the example's every
    # finding, in the same order, with its fix's edits (a PF401 fix travels as its recipe).
    from gcp_preflight import forked as forking

    children = []
    result = forking.result
    monkeypatch.setattr(forking, "result", lambda child: children.append(child) or result(child))
    serial = _example_json(tmp_path, capsys, monkeypatch, "1")
    assert children == []
    forked = _example_json(tmp_path, capsys, monkeypatch, "2")
    assert [c.process.exitcode for c in children] == [0]  # it ran, and sent its findings
    assert forked == serial
    codes = {f["code"][:3] for f in serial["findings"]}
    assert {"PF1", "PF2", "PF3", "PF4", "PF5"} <= codes
    assert any(f["code"] == "PF401" and f["fix"]["edits"] for f in serial["findings"])


def test_the_python_rules_that_read_the_packaging_analysis_run_here_not_in_the_child(tmp_path, monkeypatch):
    # PF510/PF511 may ask a file's deployment units for their runtime: the packaging analysis,
    # which this process computes for PF2xx. In the child it would be computed a second time.
    ran_here = []
    real = engine._run_in_order
    monkeypatch.setattr(engine, "_run_in_order",
                        lambda project, rules: ran_here.append([r.code for r in rules]) or real(project, rules))
    repo = write_repo(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    monkeypatch.setenv("PREFLIGHT_JOBS", "2")
    engine.check(repo, Config(), use_cache=False)
    assert len(ran_here) == 1  # the child's own calls are recorded in the child
    assert [code for code in ran_here[0] if code.startswith("PF5")] == ["PF510", "PF511"]
    assert {code[:3] for code in ran_here[0]} == {"PF0", "PF1", "PF2", "PF3", "PF4", "PF5", "PF9"}


def test_a_rule_raising_in_the_forked_child_raises_here_as_in_a_serial_run(tmp_path, monkeypatch, capfd):
    from gcp_preflight.rules import ALL_RULES

    def broken(project):
        raise LookupError("no such thing")

    rules = [replace(r, check=broken) if r.code == "PF501" else r for r in ALL_RULES]
    repo = write_repo(tmp_path / "repo", {"app/main.py": "x = 1\n"})
    monkeypatch.setenv("PREFLIGHT_JOBS", "2")
    with pytest.raises(LookupError) as raised:
        engine.check(repo, Config(), rules=rules, use_cache=False)
    assert str(raised.value) == "no such thing"
    assert "Traceback" not in capfd.readouterr().err  # the child said nothing: this process did


def test_files_read_here_with_the_collector_paused_leave_no_cycles_behind(tmp_path):
    # A reader may leave objects in cycles; workers collect them, and so must a serial read
    # while the command has the collector paused (gc_pause.py).
    import gc
    import weakref

    from gcp_preflight.project import ParseJob, parse_files

    class Node:
        pass

    left: list[weakref.ref] = []

    class Cyclic:
        name = "cyclic"

        def read(self, source):
            node = Node()
            node.me = node
            left.append(weakref.ref(node))
            return []

    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text("x = 1\n", encoding="utf-8")
    jobs = [ParseJob(i, name, "", (0,), "") for i, name in enumerate(("a.py", "b.py"))]
    gc.disable()
    try:
        assert [found for found, _ in parse_files([Cyclic()], jobs, False, tmp_path)] == [(), ()]
    finally:
        gc.enable()
    assert len(left) == 2 and [ref() for ref in left] == [None, None]
