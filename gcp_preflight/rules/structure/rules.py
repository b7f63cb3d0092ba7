"""PF0xx: files the tool could not read, and the tool's own findings (suppressions).

PF001, PF005 and PF010 are produced by the engine, which is where suppressions are applied; their
entries here carry the documentation and metadata.
"""

from __future__ import annotations

from gcp_preflight.model import Severity
from gcp_preflight.rules.base import rule
from gcp_preflight.validators.base import Problem


def _problems(project, code):
    for item in project.facts(Problem):
        if item.code == code:
            yield item.diagnostic


@rule("PF001", "unused-suppression", Severity.WARNING)
def unused_suppression(project):
    """An inline `preflight: ignore[...]` comment that suppresses nothing.

    ## What it does
    Reports an inline suppression whose codes match no finding on its line.

    ## Why is this bad?
    A stale suppression hides the next real finding on that line, and it tells readers a
    problem exists where none does. It usually stays behind after the code it excused was fixed.

    ## Example
    ```python app/main.py
    import json  # preflight: ignore[PF002] old syntax error, long fixed
    ```

    ## Fix
    Remove the comment, or the code that no longer applies.
    ```python app/main.py
    import json
    ```
    """
    return ()


@rule("PF002", "python-syntax-error", Severity.ERROR)
def python_syntax_error(project):
    """A Python file that does not parse.

    ## What it does
    Reports the line and column where Python's parser gave up on a `.py` file. Nothing else is
    checked in that file; the rest of the repository still is.

    It also compiles each module that parses (`compile(tree, path, "exec")`, which runs nothing)
    and reports what CPython's compiler rejects although the parser accepts it: a keyword
    argument repeated in a call, `return` or `await` outside a (async) function, `break` outside
    a loop, duplicate parameter names, a name used or assigned before its `global` declaration,
    `nonlocal` without a binding, a `from __future__` import after other statements. These hold
    on every runtime from Python 3.8 on; a line rewritten because its grammar is newer than the
    Python running the check is left to PF206.

    ## Why is this bad?
    A module that does not parse fails at import: a Cloud Function with such a module in its
    import chain crashes at cold start, and every other check of that file is blind.

    ## Example
    ```python app/main.py
    def handler(event, context)
        return "ok"
    ```

    ## Fix
    Correct the syntax.
    ```python app/main.py
    def handler(event, context):
        return "ok"
    ```
    """
    return _problems(project, "PF002")


@rule("PF003", "yaml-syntax-error", Severity.ERROR)
def yaml_syntax_error(project):
    """A YAML file that does not parse.

    ## What it does
    Reports where the YAML parser failed in a `.yaml` or `.yml` file (workflows, Cloud Build,
    GitHub Actions, any other). A file that fails and holds template syntax (Terraform's
    `%{ if }`, Jinja's `{% %}`, Go and Helm's `{{ }}`, not GitHub's `${{ }}`) is a template, not
    YAML until it is rendered: it is not reported. A tab that separates within a line
    (`key:<TAB>value`) is YAML, as libyaml reads it; a tab that indents is not.

    ## Why is this bad?
    A workflows file that does not parse means every processor name it declares is unknown;
    a broken cloudbuild.yaml fails the deploy itself.

    ## Example
    ```yaml config/workflows.yaml
    scrapers:
      nbac_schedule:
        processor_name: "p2_nbacom_schedule
    ```

    ## Fix
    Close the quote (or the bracket, or fix the indentation) the parser points at.
    ```yaml config/workflows.yaml
    scrapers:
      nbac_schedule:
        processor_name: "p2_nbacom_schedule"
    ```
    """
    return _problems(project, "PF003")


@rule("PF004", "unreadable-file", Severity.ERROR)
def unreadable_file(project):
    """A file the tool should check but cannot read as text.

    ## What it does
    Reports a source file that is not valid UTF-8 (at the first bad byte; a Python file in the
    encoding its PEP 263 coding cookie names; a requirements file in UTF-16 or UTF-32 when it
    starts with that encoding's BOM, as pip reads it), holds binary content, is larger than
    5 MiB, or cannot be opened; a folder that cannot be listed or lies more than 64 levels deep; a
    `.gitignore` that is a link (git does not read those either).

    ## Why is this bad?
    Python and gcloud read these files as UTF-8 too: a Latin-1 byte in a module without a
    coding cookie is a SyntaxError at import, and nothing in the file can be checked.

    ## Example
    ```latin1 app/names.py
    NAMES = ["café"]
    ```

    ## Fix
    Re-encode the file as UTF-8.
    ```python app/names.py
    NAMES = ["café"]
    ```
    """
    return _problems(project, "PF004")


@rule("PF005", "suppression-without-reason", Severity.WARNING)
def suppression_without_reason(project):
    """An inline suppression without a reason, when reasons are required.

    ## What it does
    With `require-suppression-reason = true`, reports `# preflight: ignore[CODE]` comments that
    give no reason after the closing bracket.

    ## Why is this bad?
    A suppression is a decision; without its reason the next reader cannot tell whether it
    still holds.

    ## Example
    ```toml preflight.toml
    require-suppression-reason = true
    ```
    ```python app/main.py
    def handler(event, context)  # preflight: ignore[PF002]
        return "ok"
    ```

    ## Fix
    Say why the finding is accepted.
    ```toml preflight.toml
    require-suppression-reason = true
    ```
    ```python app/main.py
    def handler(event, context)  # preflight: ignore[PF002] fixture for the parser tests
        return "ok"
    ```
    """
    return ()


@rule("PF006", "shell-parse-error", Severity.WARNING)
def shell_parse_error(project):
    """Shell text the tool could not parse; the commands in that part are not checked.

    ## What it does
    Reports where the bash grammar gave up on a shell script, a Cloud Build `bash -c` script or
    a GitHub Actions `run:` block. Commands that did parse are still read and checked.

    ## Why is this bad?
    A deploy command in the unparsed part is invisible to every deploy check, so a memory floor
    or a destructive flag there goes unreported. Often the script is also broken for bash.

    ## Example
    ```bash bin/deploy.sh
    gcloud run deploy api --memory 1Gi
    if then fi (
    ```

    ## Fix
    Correct the syntax (here, an `if` without a condition and a stray parenthesis).
    ```bash bin/deploy.sh
    gcloud run deploy api --memory 1Gi
    ```
    """
    return _problems(project, "PF006")


@rule("PF007", "ignore-pattern-unusable", Severity.WARNING)
def ignore_pattern_unusable(project):
    """An ignore pattern the tool does not use: invalid, or too costly to match.

    ## What it does
    Reports a line of a `.gitignore`, `.gcloudignore` or `.dockerignore` that git or gcloud
    would reject (`!` alone, a lone `\\`), or that is too costly to match safely (more than
    4 `*` in one path segment, more than 3 `**` segments, over 1,024 characters). Runs of `*`
    in a segment mean one `*`, as git reads them, and are not reported. The pattern is left
    out; the rest of the file is used.

    ## Why is this bad?
    Without that pattern the tool treats the files it meant to exclude as included (uploaded,
    checked), so its findings about that folder may not match what gcloud uploads. An invalid
    line is also usually a typo that excludes nothing for gcloud either.

    ## Example
    ```text functions/fn/.gcloudignore
    !
    tests/
    ```

    ## Fix
    Remove the line, or write the pattern it meant.
    ```text functions/fn/.gcloudignore
    tests/
    ```
    """
    return _problems(project, "PF007")


@rule("PF008", "input-too-costly", Severity.INFO)
def input_too_costly(project):
    """A file the tool read only up to a budget: the rest of it is not checked.

    ## What it does
    Reports where a reader stopped because the input would cost more than any real file does:
    a shell script whose functions call each other hundreds of thousands of times, a value
    doubled into gigabytes, names that expand exponentially. Everything before that point is
    checked; the place is said once, here.

    ## Why is this bad?
    Findings after that point are missing, and the input is almost always generated or
    hostile. The tool stays linear in what a file says, so a pull request cannot stall the gate.

    ## Example
    ```bash deploy.sh
    f0() { echo hi; }
    f1() { f0; f0; f0; f0; f0; f0; f0; f0; f0; f0; }
    f2() { f1; f1; f1; f1; f1; f1; f1; f1; f1; f1; }
    f3() { f2; f2; f2; f2; f2; f2; f2; f2; f2; f2; }
    f4() { f3; f3; f3; f3; f3; f3; f3; f3; f3; f3; }
    f5() { f4; f4; f4; f4; f4; f4; f4; f4; f4; f4; }
    f6() { f5; f5; f5; f5; f5; f5; f5; f5; f5; f5; }
    f6
    gcloud functions deploy fn --gen2 --memory 128MB --source fn
    ```

    ## Fix
    Write the script plainly (or exclude a generated one with `exclude`).
    ```bash deploy.sh
    gcloud functions deploy fn --gen2 --memory 512MB --source fn
    ```
    """
    return _problems(project, "PF008")


@rule("PF009", "internal-error", Severity.ERROR)
def internal_error(project):
    """A reader inside the tool failed on a file.

    ## What it does
    Reports a file on which one of the tool's own readers raised an unexpected error; that
    file's facts are missing, and everything else is still checked.

    ## Why is this bad?
    Findings that depend on that file may be missing. It is a bug in gcp-preflight: please
    report it with the file.

    ## Example
    No input triggers it on purpose.

    ## Fix
    Report the bug; suppress with `per-file-ignores` meanwhile.
    """
    return _problems(project, "PF009")


@rule("PF010", "invalid-suppression", Severity.WARNING)
def invalid_suppression(project):
    """A suppression comment that is malformed or names a code no rule has.

    ## What it does
    Reports a `# preflight:` comment that is not `ignore[CODE, ...] reason` or
    `ignore-file[CODE, ...] reason`, an `ignore-file` below the file's first comment block, and
    each code in a suppression (or in a `# noqa: PF...` comment) that names no rule.

    ## Why is this bad?
    Such a comment suppresses nothing, so the finding it was written for still fails, or the
    comment sits there unread until the code changes; a typo (`PF3O1` for `PF301`) reads as a
    decision that was never applied.

    ## Example
    ```python app/main.py
    import json  # preflight: ignore(PF002) brackets, not parentheses
    import os  # preflight: ignore[PF5O2] a letter O for a zero
    ```

    ## Fix
    Write the comment as `ignore[CODE] reason` with codes `preflight rules` lists, or remove it.
    ```python app/main.py
    import json
    import os
    ```
    """
    return ()


@rule("PF011", "terraform-syntax-error", Severity.ERROR)
def terraform_syntax_error(project):
    """A Terraform file that does not parse, or that holds what Terraform refuses.

    ## What it does
    Reports where the HCL grammar gave up on a `.tf` or `.tfvars` file, a top-level block
    Terraform does not know (`resourse`, `local`), an argument outside any block, and a block in
    a variable definitions file. Nothing in a file that does not parse is read; the other files
    of the module, and the rest of the repository, still are. A file that does not parse and
    holds `%%NAME%%` placeholders is a sample a script fills in: not reported.

    ## Why is this bad?
    `terraform plan` stops at the first such error, so nothing in that configuration deploys;
    and every deploy the file declares is invisible to the memory, packaging and drift checks.

    ## Example
    ```hcl infra/functions.tf
    resource "google_cloudfunctions2_function" "ingest" {
      name     = "ingest"
      location = "us-central1"
    ```

    ## Fix
    Close the block (or the string, or the bracket) the finding points at.
    ```hcl infra/functions.tf
    resource "google_cloudfunctions2_function" "ingest" {
      name     = "ingest"
      location = "us-central1"
    }
    ```
    """
    return _problems(project, "PF011")


@rule("PF012", "terraform-value-unresolved", Severity.INFO)
def terraform_value_unresolved(project):
    """A Terraform value that decides what is deployed cannot be resolved statically.

    ## What it does
    Reports a `count` or `for_each` of a function, Cloud Run service or job (or of a local
    module that declares one, or of a `dynamic` block inside one) whose value depends on
    something known only when Terraform runs: a variable with no default that no `.tfvars` file
    sets, another resource's attributes, a file. Those deploys are not checked; nothing is
    guessed. Values of the deploy itself (memory, source folder) that cannot be resolved are
    said by the rules that need them (PF302, PF208).

    ## Why is this bad?
    The memory floor, the packaging of the source folder and the drift against what is deployed
    cannot be checked for a resource the tool cannot count.

    ## Example
    ```hcl infra/main.tf
    variable "enabled" {
      type = bool
    }

    resource "google_cloud_run_v2_service" "api" {
      count    = var.enabled ? 1 : 0
      name     = "api"
      location = "us-central1"
      template {
        containers {
          image = "gcr.io/p/api"
        }
      }
    }
    ```

    ## Fix
    Give the variable a default (or set it in `terraform.tfvars`).
    ```hcl infra/main.tf
    variable "enabled" {
      type    = bool
      default = true
    }

    resource "google_cloud_run_v2_service" "api" {
      count    = var.enabled ? 1 : 0
      name     = "api"
      location = "us-central1"
      template {
        containers {
          image = "gcr.io/p/api"
        }
      }
    }
    ```
    """
    return _problems(project, "PF012")


RULES = (unused_suppression, python_syntax_error, yaml_syntax_error, unreadable_file,
         suppression_without_reason, shell_parse_error, ignore_pattern_unusable, input_too_costly, internal_error,
         invalid_suppression, terraform_syntax_error, terraform_value_unresolved)
