"""Facts about commands in shell scripts, Cloud Build steps and CI workflows.

One set of facts serves three families: deploy-command checks (PF3xx) read DeployCommand, the
packaging family (PF2xx) replays ShellCommand steps (mkdir, cp, rsync, cd) that build a package
before a deploy, and the live audit (PF9xx) compares DeployCommand values with what is deployed.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcp_preflight.facts import fact
from gcp_preflight.model import Location


@fact(shared=("raw",))
@dataclass(slots=True, unsafe_hash=True)
class Word:
    """One argument as resolved statically. `text` is None when it cannot be known (a command
    substitution, an unset variable); `raw` is the text as written."""

    text: str | None
    raw: str
    location: Location
    # Where the literal that produced `text` is written (a variable's assignment), when the
    # word came through a variable; a fix edits that place.
    origin: Location | None = None
    unknown_reason: str = ""
    # The exact single-line span where `text` is written verbatim (in the word itself or at the
    # assignment it came from); None when the text is computed. Fixes edit this span.
    literal_at: Location | None = None

    @property
    def known(self) -> bool:
        return self.text is not None


@fact
@dataclass(slots=True, unsafe_hash=True)
class Flag:
    name: str  # "--memory", always the long form with its dashes
    value: Word | None  # None for a boolean flag (--gen2)
    location: Location  # where the flag itself is written
    # The GitHub Action input this flag stands for ("memory", "env_vars_update_strategy"), when
    # it is not written as a gcloud flag; "" for a flag written as such (also inside `flags:`).
    input: str = ""


@fact
@dataclass(slots=True, unsafe_hash=True)
class ShellCommand:
    """A simple command in a script, in execution order within its file (loops and functions
    flattened in text order). `cwd` is the working directory relative to the script's run
    directory when a `cd` before it could be followed ("." otherwise)."""

    path: str
    sequence: int
    location: Location
    words: tuple[Word, ...]
    cwd: str = "."
    # False when a `cd` before this command could not be followed (cwd is then ".").
    cwd_known: bool = True
    # Inside a branch that ends with `exit` (`if dry run; then rm -rf "$D"; exit 0; fi`): a deploy
    # after the branch runs only when the branch did not.
    exits: bool = False


DECLARATIVE_ORIGINS = ("terraform", "cloud-run-yaml")


@fact
@dataclass(slots=True, unsafe_hash=True)
class DeployCommand:
    """A `gcloud ... deploy`-like command.

    platform: "function", "run-service" or "run-job".
    command: the gcloud command path without release track ("functions deploy", "run deploy",
             "run services update", "run jobs deploy", "run jobs create", "run jobs update").
    origin: "shell", "cloudbuild", "github-actions", or a declaration: "terraform" (a resource,
            validators/terraform/) or "cloud-run-yaml" (a Knative manifest for `gcloud run
            services|jobs replace`).
    sent_by: "gcloud" (values are read by gcloud) or "api" (a GitHub Action, Terraform or a
             manifest sends them to the API as written: no unit correction, a bare memory number
             is bytes).
    """

    path: str
    sequence: int
    location: Location
    platform: str
    command: str
    release_track: str  # "", "beta" or "alpha"
    name: Word | None
    flags: tuple[Flag, ...]
    origin: str
    cwd: str = "."
    # Words that could not be resolved and may stand for any number of arguments (an unquoted
    # `$EXTRA_FLAGS`): flags may hide in them, so "flag absent" is not certain when non-empty.
    opaque: tuple[Word, ...] = ()
    cwd_known: bool = True
    sent_by: str = "gcloud"
    # The action step it was read from ("google-github-actions/deploy-cloudrun@v2"), if any.
    action: str = ""
    # Repository paths of the `--flags-file` files whose flags were read into `flags`
    # (validators/deploy/flags_file.py); one that could not be read is in `opaque` instead.
    flags_files: tuple[str, ...] = ()

    def flag(self, name: str) -> Flag | None:
        """The last occurrence of a flag (gcloud keeps the last one)."""
        found = [f for f in self.flags if f.name == name]
        return found[-1] if found else None

    def value(self, name: str) -> Word | None:
        f = self.flag(name)
        return f.value if f else None

    @property
    def via_api(self) -> bool:
        return self.sent_by == "api"

    @property
    def declarative(self) -> bool:
        """Declared as the whole resource (Terraform, a Cloud Run manifest): what it leaves out
        or lists is the resource's whole state, on purpose, so replacing is not a surprise."""
        return self.origin in DECLARATIVE_ORIGINS

    def has(self, name: str) -> bool:
        return any(f.name == name for f in self.flags)

    @property
    def generation(self) -> str | None:
        """"gen1", "gen2", or None when nothing says (a new function becomes gen2, an existing
        gen1 function stays gen1). Only meaningful for functions."""
        if self.platform != "function":
            return None
        if self.has("--no-gen2"):
            return "gen1"
        if self.has("--gen2"):
            return "gen2"
        return None


@fact
@dataclass(slots=True, unsafe_hash=True)
class ShellSource:
    """A `source FILE` / `. FILE` in a script. `candidates` are the repository paths it may name,
    most likely first; `read` says whether the file's text was followed when the facts of
    `path` were made (it is when the sourced file is a script the project reads)."""

    path: str
    location: Location
    raw: str
    target: str | None
    candidates: tuple[str, ...] = ()
    read: bool = False
