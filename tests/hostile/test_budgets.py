"""Hostile checkouts, hangs and memory: every reader and evaluator has budgets, special files are
never opened, and cost stays linear in the input. Each case asserts the exact finding at the place
the budget stopped (or that nothing was lost) and that the planted PF301 is still reported."""

import pytest

from tests.hostile.conftest import FIFO

DOUBLING = "V0=abcdefgh\n" + "".join(f'V{i}="$V{i - 1}$V{i - 1}"\n' for i in range(1, 31))


def test_python_names_that_double_24_times_are_not_expanded(hostile):
    chain = "P0 = ['a', 'b']\n" + "".join(f"P{i} = P{i - 1} + P{i - 1}\n" for i in range(1, 25))
    outcome = hostile({"config/names.py": chain + "EXPECTED_PROCESSORS = P24\n",
                       "config/workflows.yaml": "x:\n  processor_name: a\n"})
    assert outcome.planted and outcome.status == 1


def test_a_shell_value_doubled_thirty_times_becomes_unknown(hostile):
    script = DOUBLING + ('gcloud functions deploy f2 --gen2 --runtime python311 --region us-central1 '
                         '--source fn --set-env-vars "A=$V30"\n')
    outcome = hostile({"d2.sh": script}, "--select", "PF3")
    assert outcome.planted
    assert outcome.findings("PF304") == [  # about the flag itself; the 8 GB value is never built
        "d2.sh:32:88: warning PF304 --set-env-vars replaces every environment variable already set on function f2; use "
        "--update-env-vars (and --remove-env-vars) to change only the keys given"]


def test_a_fan_of_function_calls_stops_at_the_step_budget(hostile):
    fan = "f0() { echo hi; }\n" + "".join(f"f{i}() {{ " + f"f{i - 1}; " * 10 + "}\n" for i in range(1, 9))
    outcome = hostile({"d2.sh": fan + "f8\necho after\n"}, "--select", "PF008,PF301")
    assert outcome.findings("PF008") == [
        "d2.sh:10:1: info PF008 evaluation stopped in this statement after 20,000 steps (functions that call each "
        "other many times?); the commands from here on are not checked"]
    assert outcome.planted


def test_a_giant_array_literal_is_not_followed_item_by_item(hostile):
    array = "ARR=(" + " ".join(f"item{i}" for i in range(60_000)) + ')\nfor a in "${ARR[@]}"; do echo "$a"; done\n'
    outcome = hostile({"d2.sh": array})
    assert outcome.planted and outcome.seconds < 5


def test_a_long_chain_of_sourced_scripts_is_linear(hostile):
    chain = {f"s/s{i}.sh": f"source s/s{i + 1}.sh\n" for i in range(600)}
    outcome = hostile(dict(chain, **{"s/s600.sh": "echo end\n", "d2.sh": "source s/s0.sh\n"}))
    assert outcome.planted and outcome.seconds < 8


def test_many_deploys_in_one_script_are_replayed_once(hostile):
    deploys = "".join(f"gcloud functions deploy f{i} --gen2 --runtime python311 --region us-central1 --source fn "
                      f"--memory 128MB --trigger-http\n" for i in range(1500))
    outcome = hostile({"d2.sh": deploys}, "--select", "PF301")
    assert len(outcome.findings("PF301")) == 1501 and outcome.seconds < 10


def test_many_ddl_statements_are_parsed_in_linear_time(hostile):
    ddl = "".join(f"CREATE TABLE IF NOT EXISTS `p.d.t{i}` (a STRING, b INT64, c JSON);\n" for i in range(3000))
    # WITH ROUTINE: a syntax every supported sqlglot reads only as an opaque command
    outcome = hostile({"schemas/all.sql": ddl + "CREATE TABLE `p.d.bad` (a STRING) WITH ROUTINE x;\n"},
                      "--select", "PF400,PF301")
    assert outcome.findings("PF400") == [
        "schemas/all.sql:3001:1: error PF400 cannot parse this table DDL: its syntax is not understood (sqlglot read it "
        "only as an opaque command), so its columns are not checked"]
    assert outcome.planted and outcome.seconds < 8


@pytest.mark.parametrize("name", [".gitignore", "fn/.gcloudignore"])
def test_backtracking_ignore_patterns_are_collapsed_or_left_out(hostile, name):
    patterns = "*" * 60 + "a\n" + "a/**/" * 40 + "b\n"
    outcome = hostile({name: patterns, "fn/" + "a" * 200 + ".py": "x = 1\n"}, "--select", "PF007,PF301")
    assert outcome.findings("PF007") == [
        f"{name}:2:1: warning PF007 ignore pattern `a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/... "
        "(201 characters)` not used: more than 3 `**` segments"]
    assert outcome.planted


@pytest.mark.parametrize("kind", ["fifo", "devzero"])
def test_a_gitignore_that_never_ends_is_not_read(hostile, kind):
    outcome = hostile({".gitignore": FIFO if kind == "fifo" else "-> /dev/zero"}, "--select", "PF004,PF301")
    expected = {"fifo": ".gitignore:1:1: error PF004 cannot read .gitignore: not a regular file (a FIFO, device or folder)",
                "devzero": ".gitignore:1:1: error PF004 .gitignore is a symbolic link; not read (git does not read it either)"}
    assert outcome.findings("PF004") == [expected[kind]]
    assert outcome.planted


def test_a_gcloudignore_linked_to_dev_zero_is_not_read(hostile):
    outcome = hostile({"fn/.gcloudignore": "-> /dev/zero"})
    assert outcome.planted


def test_a_symlink_fan_out_is_not_walked_exponentially(hostile):
    links = {}
    for i in range(25):
        links[f"l/d{i}/a"] = f"-> ../d{i + 1}"
        links[f"l/d{i}/b"] = f"-> ../d{i + 1}"
    outcome = hostile(dict(links, **{"l/d25/x.py": "x = 1\n", "fn/shared": "-> ../l/d0"}))
    assert outcome.planted and outcome.seconds < 5


@pytest.mark.parametrize("kind", ["fifo", "devzero"])
def test_a_baseline_that_never_ends_is_one_error(hostile, kind):
    outcome = hostile({"base.json": FIFO if kind == "fifo" else "-> /dev/zero",
                       "preflight.toml": 'baseline = "base.json"\n'})
    assert outcome.status == 2
    assert outcome.err.endswith("base.json: cannot read baseline: not a regular file (a FIFO, device or folder)\n")
    assert outcome.err.count("\n") == 1


def test_an_inventory_that_is_a_fifo_is_one_error(hostile):
    outcome = hostile({"inv.json": FIFO, "preflight.toml": '[audit]\ninventory = ["inv.json"]\n'},
                      command="validate-all")
    assert outcome.status == 2
    assert outcome.err.endswith("inv.json is not a regular file (a FIFO or a device)\n")
    assert outcome.err.count("\n") == 1


def test_files_and_values_past_their_limits_stay_linear(hostile):
    big_list = "ROWS = [\n" + "".join(f"    {{'name': 'n{i}', 'v': {i}}},\n" for i in range(100_000)) + "]\n"
    outcome = hostile({"app/big.py": big_list, "big.sql": "SELECT '" + "a" * 3_000_000 + "';\n"})
    # about 8 s on two cores (a 3.3 MB module is read by every family); a reader quadratic in a
    # file would take many minutes here. The bound leaves room for a loaded machine.
    assert outcome.planted and outcome.seconds < 20


SERVICE = """
resource "google_cloud_run_v2_service" "s" {{
  {meta}
  name     = "s-${{each.key}}"
  location = "us-central1"
  template {{
    containers {{
      image = "gcr.io/p/s"
      resources {{
        limits = {{ memory = "1Gi" }}
      }}
    }}
  }}
}}
"""


def test_terraform_nested_ten_thousand_deep_is_cut_at_its_budget(hostile):
    deep = "locals {\n  a = " + "[" * 10_000 + "1" + "]" * 10_000 + "\n}\n"
    blocks = 'resource "x" "y" {\n' + "a {\n" * 5_000 + "}\n" * 5_000 + "}\n"
    outcome = hostile({"infra/deep.tf": deep, "infra/blocks.tf": blocks}, "--select", "PF008,PF011,PF301")
    assert outcome.findings("PF008") == [
        "infra/blocks.tf:66:1: info PF008 expressions nested more than 64 deep; the values past this point are not read",
        "infra/deep.tf:2:70: info PF008 expressions nested more than 64 deep; the values past this point are not read"]
    assert outcome.planted and outcome.seconds < 10


def test_a_huge_for_each_map_is_checked_up_to_the_instance_budget(hostile):
    keys = "".join(f"    k{i} = \"a\"\n" for i in range(5_000))
    main_tf = "locals {\n  m = {\n" + keys + "  }\n}\n" + SERVICE.format(meta="for_each = local.m")
    outcome = hostile({"infra/main.tf": main_tf}, "--select", "PF008,PF301,PF302")
    assert outcome.findings("PF008") == [
        "infra/main.tf:5007:3: info PF008 for_each of google_cloud_run_v2_service.s makes more than 1,000 instances; only "
        "the first 1,000 are checked"]
    assert outcome.planted and outcome.seconds < 10


def test_terraform_values_doubled_thirty_times_are_stopped(hostile):
    chain = 'locals {\n  a0 = ["x", "y"]\n' + "".join(f"  a{i} = concat(local.a{i - 1}, local.a{i - 1})\n"
                                                    for i in range(1, 31))
    nested = "".join(f"  n{i} = [local.n{i - 1}, local.n{i - 1}]\n" for i in range(1, 31))
    main_tf = chain + '  n0 = "z"\n' + nested + "  f = flatten(local.n30)\n}\n" + \
        SERVICE.format(meta="for_each = toset(concat(local.a30, flatten(local.n30)))")
    outcome = hostile({"infra/main.tf": main_tf}, "--select", "PF008,PF301")
    assert outcome.findings("PF008") == [
        "infra/main.tf:19:9: info PF008 a value of more than 200,000 parts (built by doubling?); the Terraform deploys "
        "from here on are not read"]
    assert outcome.planted and outcome.seconds < 10


def test_modules_that_call_each_other_for_many_keys_stop_at_the_instance_budget(hostile):
    module = ('variable "n" {\n  default = 0\n}\nmodule "again" {\n  source   = "./"\n'
              '  for_each = toset(["a", "b", "c", "d", "e", "f"])\n  n        = var.n + 1\n}\n'
              + SERVICE.format(meta='for_each = toset(["x"])'))
    outcome = hostile({"infra/main.tf": 'module "m" {\n  source = "./m"\n}\n', "infra/m/main.tf": module},
                      "--select", "PF008,PF301")
    assert [line.split(": info PF008 ")[1] for line in outcome.findings("PF008")] == [
        "more than 2,000 module instances (modules that call each other for many keys?); the Terraform deploys from "
        "here on are not read"]
    assert outcome.planted and outcome.seconds < 15
