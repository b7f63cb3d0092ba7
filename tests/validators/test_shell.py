"""Shell scripts in, command facts out: variables, defaults, source, continuations, quoting, cd."""


import pytest

from gcp_preflight.config import load
from gcp_preflight.model import Location
from gcp_preflight.project import Project
from gcp_preflight.validators import default_validators
from gcp_preflight.validators.base import SourceText
from gcp_preflight.validators.deploy.facts import DeployCommand, Flag, ShellCommand, Word
from gcp_preflight.validators.shell.source import ShellValidator
from tests.helpers import write_repo
from tests.validators.command_summary import summary


def read(text, path="bin/deploy.sh"):
    """Every command the evaluation yields (a check keeps fewer: see test_commands_after_the_last_deploy_are_not_kept)."""
    return list(ShellValidator(prune=False).read(SourceText(path, text)))


SEED = """\
#!/bin/bash
FUNCTION_NAME="phase2-to-phase3-orchestrator"
MEMORY="256MB"
gcloud functions deploy $FUNCTION_NAME --gen2 \\
  --memory $MEMORY
"""


def test_seed_script_whole_facts():
    loc = lambda line, col, end: Location("bin/deploy.sh", line, col, line, end)  # noqa: E731
    memory = Word("256MB", "$MEMORY", loc(5, 12, 19), loc(3, 9, 14), "", loc(3, 9, 14))
    name = Word("phase2-to-phase3-orchestrator", "$FUNCTION_NAME", loc(4, 25, 39), loc(2, 16, 45), "", loc(2, 16, 45))
    words = (Word("gcloud", "gcloud", loc(4, 1, 7), None, "", loc(4, 1, 7)),
             Word("functions", "functions", loc(4, 8, 17), None, "", loc(4, 8, 17)),
             Word("deploy", "deploy", loc(4, 18, 24), None, "", loc(4, 18, 24)),
             name,
             Word("--gen2", "--gen2", loc(4, 40, 46), None, "", loc(4, 40, 46)),
             Word("--memory", "--memory", loc(5, 3, 11), None, "", loc(5, 3, 11)),
             memory)
    assert read(SEED) == [
        ShellCommand("bin/deploy.sh", 0, loc(4, 1, 7), words),
        DeployCommand("bin/deploy.sh", 0, loc(4, 1, 7), "function", "functions deploy", "", name,
                      (Flag("--gen2", None, loc(4, 40, 46)), Flag("--memory", memory, loc(5, 3, 11))), "shell"),
    ]


def deploys(text):
    return [f for f in summary(read(text)) if f[0] == "deploy"]


def test_default_expansion_and_forms_of_flags():
    text = """\
MEMORY=${MEMORY:-256MB}
REGION="${REGION:=europe-west1}"
gcloud beta functions deploy fn --no-gen2 --memory=$MEMORY --region "$REGION" \\
    --timeout=540s --set-env-vars "A=1,B=two words" -q
"""
    assert deploys(text) == [
        ("deploy", 0, "functions deploy", "beta", "function", "fn", "gen1",
         [("--no-gen2", None, "bin/deploy.sh:3:33", None),
          ("--memory", "256MB", "bin/deploy.sh:3:43", "bin/deploy.sh:1:18"),
          ("--region", "europe-west1", "bin/deploy.sh:3:60", "bin/deploy.sh:2:19"),
          ("--timeout", "540s", "bin/deploy.sh:4:5", None),
          ("--set-env-vars", "A=1,B=two words", "bin/deploy.sh:4:20", None),
          ("--quiet", None, "bin/deploy.sh:4:53", None)], []),
    ]


def test_unknown_values_say_why():
    text = """\
VERSION=$(git describe)
read -r MEM
if [ "$ENV" = prod ]; then TIER=1Gi; else TIER=512Mi; fi
gcloud run deploy "svc-$VERSION" --memory "$MEM" --cpu "$TIER" --timeout $1 $EXTRA_FLAGS
"""
    assert deploys(text) == [
        ("deploy", 1, "run deploy", "", "run-service", None, None,
         [("--memory", "$MEM is read at run time (line 2)", "bin/deploy.sh:4:34", None),
          ("--cpu", "$TIER depends on which branch runs (line 3)", "bin/deploy.sh:4:50", None),
          ("--timeout", "$1 is the script's argument 1", "bin/deploy.sh:4:64", None)],
         ["$EXTRA_FLAGS"]),
    ]
    name = [f for f in read(text) if isinstance(f, DeployCommand)][0].name
    assert (name.text, name.unknown_reason) == (None, "the output of $(git describe)")


def test_arrays_functions_loops_case_heredoc_and_cd():
    text = """\
deploy_fn() {
  local name=$1
  local memory=${2:-512MB}
  gcloud functions deploy "$name" --memory "$memory" "${COMMON[@]}"
}
COMMON=(--region us-east1 --runtime python311)
COMMON+=(--gen2)
cd "$(dirname "$0")/.."
for f in a b; do echo "$f"; done
case "$1" in
  prod) deploy_fn orchestrator-a 1GiB ;;
  *) deploy_fn orchestrator-b ;;
esac
cat <<EOF > /tmp/env.yaml
A: "1"
EOF
"""
    assert summary(read(text)) == [
        ("cmd", 0, "bin/deploy.sh:8:1", ["cd", "bin/.."], "."),
        ("cmd", 1, "bin/deploy.sh:9:18", ["echo", None], "."),
        ("cmd", 2, "bin/deploy.sh:4:3", ["gcloud", "functions", "deploy", "orchestrator-a", "--memory", "1GiB",
                                         "--region", "us-east1", "--runtime", "python311", "--gen2"], "."),
        ("deploy", 2, "functions deploy", "", "function", "orchestrator-a", "gen2",
         [("--memory", "1GiB", "bin/deploy.sh:4:35", "bin/deploy.sh:11:34"),
          ("--region", "us-east1", "bin/deploy.sh:6:9", "bin/deploy.sh:6:18"),
          ("--runtime", "python311", "bin/deploy.sh:6:27", "bin/deploy.sh:6:37"),
          ("--gen2", None, "bin/deploy.sh:7:10", None)], []),
        ("cmd", 3, "bin/deploy.sh:4:3", ["gcloud", "functions", "deploy", "orchestrator-b", "--memory", "512MB",
                                         "--region", "us-east1", "--runtime", "python311", "--gen2"], "."),
        ("deploy", 3, "functions deploy", "", "function", "orchestrator-b", "gen2",
         [("--memory", "512MB", "bin/deploy.sh:4:35", "bin/deploy.sh:3:21"),
          ("--region", "us-east1", "bin/deploy.sh:6:9", "bin/deploy.sh:6:18"),
          ("--runtime", "python311", "bin/deploy.sh:6:27", "bin/deploy.sh:6:37"),
          ("--gen2", None, "bin/deploy.sh:7:10", None)], []),
        ("cmd", 4, "bin/deploy.sh:14:1", ["cat"], "."),
    ]


def test_cd_tracking_and_quoting():
    text = """\
BUILD_DIR=$(mktemp -d)
cp -r 'shared' "$BUILD_DIR/"
pushd orchestration/cloud_functions >/dev/null
rsync -aL ./phase2/ "$BUILD_DIR"
popd
cd "$BUILD_DIR" && zip -r ../pkg.zip .
echo a\\ b "c\\"d" $'e\\tf'
cd "$SOMEWHERE"
ls
"""
    assert summary(read(text)) == [
        ("cmd", 0, "bin/deploy.sh:2:1", ["cp", "-r", "shared", "/tmp/mktemp-line1/"], "."),
        ("cmd", 1, "bin/deploy.sh:3:1", ["pushd", "orchestration/cloud_functions"], "."),
        ("cmd", 2, "bin/deploy.sh:4:1", ["rsync", "-aL", "./phase2/", "/tmp/mktemp-line1"], "orchestration/cloud_functions"),
        ("cmd", 3, "bin/deploy.sh:5:1", ["popd"], "orchestration/cloud_functions"),
        ("cmd", 4, "bin/deploy.sh:6:1", ["cd", "/tmp/mktemp-line1"], "."),
        ("cmd", 5, "bin/deploy.sh:6:20", ["zip", "-r", "../pkg.zip", "."], "/tmp/mktemp-line1"),
        ("cmd", 6, "bin/deploy.sh:7:1", ["echo", "a b", 'c"d', "e\tf"], "/tmp/mktemp-line1"),
        ("cmd", 7, "bin/deploy.sh:8:1", ["cd", None], "/tmp/mktemp-line1"),
        ("cmd", 8, "bin/deploy.sh:9:1", ["ls"], None),
    ]


def test_emptiness_test_is_a_default():
    text = """\
[ -z "${MEMORY:-}" ] && MEMORY=256MB
if [ -z "$REGION" ]; then
  REGION=us-central1
fi
gcloud run jobs deploy job --memory "$MEMORY" --region "$REGION"
"""
    assert deploys(text)[0][7] == [("--memory", "256MB", "bin/deploy.sh:5:28", "bin/deploy.sh:1:32"),
                                   ("--region", "us-central1", "bin/deploy.sh:5:47", "bin/deploy.sh:3:10")]


def test_syntax_error_is_a_problem_and_the_rest_is_read():
    text = "gcloud run deploy a --memory 1Gi\nif then fi (\ngcloud run deploy b --memory 2Gi\n"
    got = summary(read(text))
    assert got[0] == ("problem", "PF006", "bin/deploy.sh:2:12",
                      "cannot parse the shell here; commands in this part of the script are not checked")
    assert [g[5] for g in got if g[0] == "deploy"] == ["a", "b"]


def test_base_prefix_before_an_expansion_parses_and_keeps_its_value():
    # bash reads `10#$month` as the decimal value of $month; tree-sitter-bash cannot parse a base
    # prefix before an expansion, so the prefix is blanked (same columns) before parsing.
    text = """\
parse_date() {
  month=$((10#$1))
  echo "$month"
}
m=08
echo $((10#$m + 1)) $((16#ff)) $((10#${m}*2))
if (( 10#$m > 16#$m )); then gcloud run deploy a --memory 1Gi; fi
"""
    got = summary(read(text))
    assert [g for g in got if g[0] == "problem"] == []
    assert [g[3] for g in got if g[0] == "cmd" and g[2] == "bin/deploy.sh:6:1"] == [["echo", "9", "255", "16"]]
    assert [g[5] for g in got if g[0] == "deploy"] == ["a"]


def test_a_here_document_with_no_command_is_a_block_comment():
    # Venki124/NEPTUNE prep-project.sh: `<<COMMENT_BLOCK` ... `COMMENT_BLOCK` around example
    # commands. Valid bash (nothing reads the body, nothing in it runs); tree-sitter-bash wants a
    # command before `<<`, so the here-document is blanked (same rows) before parsing.
    text = """\
gcloud functions deploy a --memory 512MB --runtime python312 --trigger-http
<<COMMENT_BLOCK
# an example, never run
gcloud functions deploy b --memory=256MB
gcloud functions delete a --quiet
COMMENT_BLOCK
\t<<-'END' # tabs stripped
\tgcloud run deploy c --memory 128Mi
\tEND
gcloud run deploy d --memory 1Gi
"""
    got = summary(read(text))
    assert [g for g in got if g[0] == "problem"] == []
    assert [(g[2], g[3][:4]) for g in got if g[0] == "cmd"] == [
        ("bin/deploy.sh:1:1", ["gcloud", "functions", "deploy", "a"]),
        ("bin/deploy.sh:10:1", ["gcloud", "run", "deploy", "d"])]


def test_one_unparsable_region_is_one_problem():
    # Python pasted after a shell function: error recovery makes dozens of ERROR nodes in one
    # statement; they are one region, reported once at its first place.
    text = """\
gcloud run deploy a --memory 1Gi
run() {
    python3 query.py "$1"
}
import json
def load(name):
    with open(name, 'r') as f:
        return json.load(f)

def keep(games, team=None):
    return [g for g in games if g.get('team') == team]
gcloud run deploy b --memory 2Gi
"""
    problems = [g for g in summary(read(text)) if g[0] == "problem"]
    assert len(problems) == 1
    assert problems[0][1] == "PF006"


def test_separate_regions_are_separate_problems():
    text = "echo a\necho 'x' )\necho b\necho c\necho d\necho 'y' )\necho e\n"
    problems = [g for g in summary(read(text)) if g[0] == "problem"]
    assert [p[2:] for p in problems] == [
        ("bin/deploy.sh:2:10", "cannot parse the shell here; commands in this part of the script are not checked"),
        ("bin/deploy.sh:6:10", "cannot parse the shell here; commands in this part of the script are not checked")]


def test_sourced_file_is_followed(tmp_path):
    write_repo(tmp_path, {
        "bin/common.sh": 'REGION="us-central1"\nMEMORY="${MEMORY:-256MB}"\n',
        "bin/deploy.sh": 'source "$(dirname "$0")/common.sh"\n'
                         'gcloud functions deploy fn --gen2 --memory "$MEMORY" --region $REGION\n',
        "bin/alone.sh": '. ./missing.sh\ngcloud functions deploy fn --memory "$MEMORY"\n',
    })
    project = Project(tmp_path, load(tmp_path), default_validators(), use_cache=False)
    assert summary(project.facts(DeployCommand)) == [
        ("deploy", 1, "functions deploy", "", "function", "fn", None,
         [("--memory", "$MEMORY is not set in this file (it may come from ./missing.sh, sourced at line 1)",
           "bin/alone.sh:2:28", None)], []),
        ("deploy", 1, "functions deploy", "", "function", "fn", "gen2",
         [("--gen2", None, "bin/deploy.sh:2:28", None),
          ("--memory", "256MB", "bin/deploy.sh:2:35", "bin/common.sh:2:19"),
          ("--region", "us-central1", "bin/deploy.sh:2:54", "bin/common.sh:1:9")], []),
    ]
    assert [c.path for c in project.facts(ShellCommand)] == ["bin/alone.sh"] * 2 + ["bin/deploy.sh"] * 2


def test_wants_scripts_by_suffix_and_shebang():
    v = ShellValidator()
    assert v.wants("bin/deploy.sh", "")
    assert v.wants("bin/deploy", "#!/usr/bin/env bash\n")
    assert v.wants("bin/deploy", "#!/bin/sh -e\n")
    assert not v.wants("bin/tool", "#!/usr/bin/env python3\n")
    # a template a tool renders into a script (AirQo-api's Ansible `join_k8s_cluster.sh.j2`)
    assert not v.wants("roles/k8s/templates/join_k8s_cluster.sh.j2", "#!/bin/bash\n")
    assert not v.wants("deploy.sh.tmpl", "#!/bin/bash\n")
    # another language's file, whatever its first line (professional-services: a .tf file that
    # starts with `#!/bin/bash`, a comment in HCL)
    assert not v.wants("terraform/main.tf", "#!/bin/bash\n")
    assert not v.wants("sql/load.sql", "#!/bin/bash\n")
    assert not v.wants("README.md", "# deploy\n")


def test_printf_v_and_arithmetic():
    text = 'BASE=256\nMB=$(( BASE * 2 ))\nprintf -v MEM "%dMi" "$MB"\ngcloud run deploy a --memory "$MEM" --cpu $(( 7 / 2 ))\n'
    assert deploys(text)[0][7] == [("--memory", "512Mi", "bin/deploy.sh:4:21", "bin/deploy.sh:3:1"),
                                   ("--cpu", "3", "bin/deploy.sh:4:37", None)]


def test_backslash_newline_inside_a_word_joins_it():
    text = ('#!/bin/bash\ngcloud functions deploy fn --gen2 --set-env-vars \\\n'
            '    A=$A,\\\nB=2,\\\nC=3 --memory 512MB\n')
    (command,) = [f for f in read(text) if isinstance(f, DeployCommand)]
    env = command.value("--set-env-vars")
    assert (env.text, env.raw, env.location) == (None, "A=$A,\\\nB=2,\\\nC=3", Location("bin/deploy.sh", 3, 5, 5, 4))
    assert command.value("--memory").text == "512MB"
    assert [f.name for f in command.flags] == ["--gen2", "--set-env-vars", "--memory"]


def test_commands_after_the_last_deploy_are_not_kept():
    """Only the packaging family reads ShellCommand facts, replaying what runs before a deploy;
    a check keeps those and drops the rest (most of a repository's commands)."""
    text = "mkdir -p build\ncp main.py build/\ngcloud functions deploy f --source build\necho done\n"
    kept = [(type(f).__name__, f.sequence) for f in ShellValidator().read(SourceText("d.sh", text))]
    assert kept == [("ShellCommand", 0), ("ShellCommand", 1), ("ShellCommand", 2), ("DeployCommand", 2)]
    assert list(ShellValidator().read(SourceText("e.sh", "echo a\ncd /tmp\nls\n"))) == []


def test_a_linked_evaluation_is_cached_until_the_script_or_a_file_it_sources_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    write_repo(repo, {
        "bin/common.sh": 'MEMORY="256MB"\n',
        "bin/deploy.sh": 'source "$(dirname "$0")/common.sh"\nsource "$(dirname "$0")/local.sh"\n'
                         'gcloud functions deploy fn --gen2 --memory "$MEMORY"\n',
    })

    def memory():
        project = Project(repo, load(repo), default_validators())
        (command,) = project.facts(DeployCommand)
        (flag,) = [f for f in command.flags if f.name == "--memory"]
        return flag.value.text, project.cache.hits

    assert memory() == ("256MB", 0)
    assert memory() == ("256MB", 3)  # the two scripts' facts and the linked evaluation
    (repo / "bin/common.sh").write_text('MEMORY="512MB"\n')
    assert memory() == ("512MB", 2)  # deploy.sh's facts, and its link record: found, but what it sources changed
    (repo / "bin/local.sh").write_text('MEMORY="1GB"\n')  # a file it tried to source appears
    assert memory()[0] == "1GB"


@pytest.mark.parametrize("part, words", [
    ("create_job  scraper_a\tscraper_b ", ["create_job", "scraper_a", "scraper_b"]),
    ("run 'a b' \"c d\"", ["run", "a b", "c d"]),
    ("run a\\ b", ["run", "a b"]),
    ("run a # b c", ["run", "a"]),
    ("run a#b c", ["run", "a"]),  # shlex (unlike a shell) ends the word at `#`, dropping the rest
    ("run a\x0cb", ["run", "a\x0cb"]),  # a form feed is no shell whitespace, though str.split cuts there
    ("run a\u00a0b", ["run", "a\u00a0b"]),
    ("run 'open", None),
    ("run a\\", None),  # an escape with nothing after it
    ("run '' \"\"", ["run", "", ""]),
    ("run \"a\\\"b\\\\c\\d\" 'e\\f'", ["run", 'a"b\\c\\d', "e\\f"]),  # in double quotes only \" and \\
    ("run \"x # y\" # z", ["run", "x # y"]),
    ("run a # note\n  b c", ["run", "a", "b", "c"]),  # a comment ends at the line's end (a continuation)
])
def test_the_words_of_a_command_line_are_the_words_shlex_splits(part, words):
    # validators/shell/commands.py: the ShellCallArgs the names family reads
    from gcp_preflight.validators.shell.commands import _words

    assert _words(part) == words


def test_columns_count_characters_where_a_line_is_not_ascii():
    """Tree-sitter counts bytes; an ASCII script is placed directly, any other through its
    rows' character counts (`é` is two bytes, one column)."""
    text = 'echo "é" && gcloud functions deploy f --memory 256MB\necho ok && gcloud functions deploy g\n'
    heads = [f.words[0].location for f in read(text) if type(f) is ShellCommand and f.words[0].text == "gcloud"]
    assert heads == [Location("bin/deploy.sh", 1, 13, 1, 19), Location("bin/deploy.sh", 2, 12, 2, 18)]
    ascii_only = [f.words[0].location for f in read(text.replace("é", "e")) if type(f) is ShellCommand]
    assert ascii_only[1] == Location("bin/deploy.sh", 1, 13, 1, 19)


def test_a_line_continuation_that_ends_the_script():
    # mozilla/docker-etl dev_run_docker.sh ends with `\` and a newline: bash ends the command
    # there (`bash -n` accepts it); tree-sitter-bash wants a next line.
    got = summary(read("gcloud run deploy api --memory 512Mi \\\n  --region us-east1 \\\n"))
    assert [g for g in got if g[0] == "problem"] == []
    assert [g[3] for g in got if g[0] == "cmd"] == [["gcloud", "run", "deploy", "api", "--memory", "512Mi",
                                                     "--region", "us-east1"]]


def test_for_without_in_loops_over_the_arguments():
    # every gradlew: `for arg do ... done` (POSIX); tree-sitter-bash wants `for arg; do`
    got = summary(read("for arg do\n  echo \"$arg\"\ndone\ngcloud run deploy api --memory 1Gi\n"))
    assert [g for g in got if g[0] == "problem"] == []
    assert [g[5] for g in got if g[0] == "deploy"] == ["api"]


def test_a_lone_dash_operand_in_a_test():
    # mozilla/bigquery-etl script/entrypoint: `[ "${1:0:1}" = - ]` (does the first argument start
    # with a dash?); tree-sitter-bash takes the `-` for an unfinished operator
    got = summary(read('if [ "${1:0:1}" = - ]; then\n  exec pytest "$@"\nfi\ngcloud run deploy api --memory 1Gi\n'))
    assert [g for g in got if g[0] == "problem"] == []
    assert [g[3] for g in got if g[0] == "cmd"] == [["pytest", None],
                                                    ["gcloud", "run", "deploy", "api", "--memory", "1Gi"]]
