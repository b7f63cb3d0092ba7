"""Suppression comments: continued shell commands, `# noqa: PF...`, file-level
`ignore-file[...]`, and comments that suppress nothing because of how they are written (PF010)."""

from tests.helpers import found, write_repo

FN = {"preflight.toml": "", "fn/main.py": "def fn(event, context):\n    return 1\n"}


def _deploy(tmp_path, script: str):
    write_repo(tmp_path, dict(FN, **{"deploy.sh": script}))
    return found(tmp_path, select=("PF0", "PF301"))


def test_a_continued_command_is_suppressed_at_its_end_or_on_a_comment_line_above(tmp_path):
    assert _deploy(tmp_path, """
        gcloud functions deploy fn --entry-point fn \\
          --gen2 \\
          --memory 256MB \\
          --source fn  # preflight: ignore[PF301] a small function, measured

        # preflight: ignore[PF301] a small function, measured
        gcloud functions deploy fn --entry-point fn \\
          --gen2 \\
          --memory 256MB \\
          --source fn

        gcloud functions deploy fn --entry-point fn \\
          --memory 256MB --gen2 --source fn
        """) == [("PF301", "deploy.sh:13")]


def test_a_comment_above_a_one_line_command_is_not_a_suppression(tmp_path):
    assert _deploy(tmp_path, """
        # preflight: ignore[PF301] too far from its line
        gcloud functions deploy fn --entry-point fn --gen2 --memory 256MB --source fn
        """) == [("PF001", "deploy.sh:1"), ("PF301", "deploy.sh:2")]


def test_noqa_with_pf_codes_is_an_alias(tmp_path):
    write_repo(tmp_path, {"preflight.toml": "", "app/jobs.py": """
        class Job:
            def run(self):
                self.a()  # noqa: PF501
                self.b()  # noqa: E501, PF501 the mixin adds it at runtime
                self.c()  # noqa
                self.d()  # noqa: E501
                return 1  # noqa: PF501
            def stop(self):
                self.e()  # noqa: PF5O1
        """})
    assert found(tmp_path, select=("PF0", "PF501")) == [
        ("PF501", "app/jobs.py:5"), ("PF501", "app/jobs.py:6"), ("PF001", "app/jobs.py:7"),
        ("PF501", "app/jobs.py:9"), ("PF010", "app/jobs.py:9")]


def test_file_level_suppression_in_the_first_comment_block(tmp_path):
    job = "class Job:\n    def run(self):\n        self.a()\n"
    write_repo(tmp_path, {
        "preflight.toml": "",
        "app/a.py": "#!/usr/bin/env python\n# A generated module.\n\n"
                    "# preflight: ignore-file[PF501] generated: the mixin adds them\n" + job + job.replace("Job", "Job2"),
        "app/b.py": job + "# preflight: ignore-file[PF501] too late: code comes first\n",
        "app/c.py": "# preflight: ignore-file[PF501] nothing to hide\nA = 1\n",
    })
    assert found(tmp_path, select=("PF0", "PF501")) == [
        ("PF501", "app/b.py:3"), ("PF010", "app/b.py:4"), ("PF001", "app/c.py:1")]


def test_malformed_or_unknown_suppressions_are_pf010_at_their_line(tmp_path, capsys):
    from gcp_preflight.cli import main

    write_repo(tmp_path, {"preflight.toml": "", "app/main.py": """
        def f(:  # preflight: ignore[PF0O2] typo
            pass
        x = 1  # preflight: ignore PF002
        y = 2  # preflight: ignore[]
        z = 3  # preflight: ignore[PF002, ALL] all of them
        """})
    assert main(["check", "--root", str(tmp_path), "--no-cache", "--select", "PF0"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.split()[2:3] in (["PF010"], ["PF002"])] == [
        "app/main.py:1:7: error PF002 syntax error: invalid syntax",
        "app/main.py:1:10: warning PF010 suppression: unknown rule code or prefix 'PF0O2' (did you mean 'PF002'?)",
        "app/main.py:3:8: warning PF010 malformed suppression comment: expected `# preflight: ignore[CODE, ...] reason` "
        "or `# preflight: ignore-file[CODE, ...] reason`",
        "app/main.py:4:8: warning PF010 suppression names no rule code: expected `# preflight: ignore[CODE, ...] reason` "
        "or `# preflight: ignore-file[CODE, ...] reason`",
        "app/main.py:5:8: warning PF010 suppression: `ALL` cannot be suppressed inline; name the codes",
    ]
