"""The cache codec (facts.py): what it decodes equals what was encoded, and equal strings share
one object, so facts read back from the cache cost no more memory than fresh ones."""

from gcp_preflight import facts
from gcp_preflight.model import Location
from gcp_preflight.validators.shell.literals import ShellLiteral


def test_decoded_facts_equal_the_encoded_ones_and_share_equal_strings():
    path = "".join(["bin/", "deploy.sh"])  # built at run time: not the literal's object
    written = (ShellLiteral(path, Location(path, 3, 5), "phase2", '"'),
               ShellLiteral("bin/deploy.sh", Location("bin/deploy.sh", 4, 1), "phase2", "'"))
    first, second = facts.loads(facts.dumps(written[:1])) + facts.loads(facts.dumps(written[1:]))
    assert (first, second) == written
    assert first.path is first.location.path is second.path is second.location.path
    assert first.text is second.text
    facts.forget_strings()
    third, = facts.loads(facts.dumps(written[:1]))
    assert third == written[0] and third.path is not first.path  # a new run shares anew
