"""The deploy-script corpus (tests/fixtures/deploy_scripts/) parses without a problem, and how much
of it resolves statically. `python -m tests.validators.test_corpus` prints the counts."""

from collections import Counter
from pathlib import Path

from gcp_preflight.config import load
from gcp_preflight.project import Project
from gcp_preflight.validators import default_validators
from gcp_preflight.validators.base import Problem
from gcp_preflight.validators.deploy.facts import DeployCommand, ShellCommand
from gcp_preflight.validators.shell.source import ShellValidator

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "deploy_scripts"


def corpus_stats() -> Counter:
    # every command the scripts run, not only those a check keeps (the ones before a deploy)
    validators = [ShellValidator(prune=False) if v.name == "shell" else v for v in default_validators()]
    project = Project(CORPUS, load(CORPUS), validators, use_cache=False)
    stats = Counter(scripts=len(list(CORPUS.glob("*.sh"))), problems=len(project.facts(Problem)))
    for command in project.facts(ShellCommand):
        stats["commands"] += 1
        stats["words"] += len(command.words)
        stats["words resolved"] += sum(w.known for w in command.words)
    for deploy in project.facts(DeployCommand):
        stats["deploy commands"] += 1
        stats["deploy names resolved"] += deploy.name is not None and deploy.name.known
        for flag in deploy.flags:
            if flag.value is not None:
                stats["flag values"] += 1
                stats["flag values resolved"] += flag.value.known
        memory = deploy.value("--memory")
        if memory is not None:
            stats["memory values"] += 1
            stats["memory values resolved"] += memory.known
    return stats


def test_corpus_parses_and_resolves():
    stats = corpus_stats()
    # every count is pinned: a change in what the reader resolves shows up here
    assert dict(stats) == {
        "scripts": 34, "problems": 0, "commands": 124, "words": 802, "words resolved": 749,
        "deploy commands": 34, "deploy names resolved": 30, "flag values": 177, "flag values resolved": 162,
        "memory values": 32, "memory values resolved": 30,
    }


if __name__ == "__main__":
    for key, value in sorted(corpus_stats().items()):
        print(f"{key:>24}: {value}")
