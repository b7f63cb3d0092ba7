"""Shell string literals: text in, the whole list of literals out."""

from gcp_preflight.model import Location
from gcp_preflight.validators.shell.literals import ShellLiteral, ShellLiteralValidator, literals

SCRIPT = """#!/bin/bash
# it's a comment with a 'quote
gcloud scheduler jobs create pubsub nbac-schedule \\
  --message-body='{"scraper": "nbac_schedule"}' \\
  --description "daily \\"run\\"" # trailing 'comment'
echo "a#b" x#y 'multi
line'
"""


def test_literals_with_locations():
    assert list(literals("bin/s.sh", SCRIPT)) == [
        ShellLiteral("bin/s.sh", Location("bin/s.sh", 4, 19), '{"scraper": "nbac_schedule"}', "'"),
        ShellLiteral("bin/s.sh", Location("bin/s.sh", 5, 18), 'daily \\"run\\"', '"'),
        ShellLiteral("bin/s.sh", Location("bin/s.sh", 6, 7), "a#b", '"'),
        ShellLiteral("bin/s.sh", Location("bin/s.sh", 6, 17), "multi\nline", "'"),
    ]


def test_wants_shell_files_and_shebangs():
    v = ShellLiteralValidator()
    assert [v.wants("a.sh", ""), v.wants("bin/deploy", "#!/usr/bin/env bash\n"), v.wants("x", "#!/bin/sh\n"),
            v.wants("x.py", "#!/usr/bin/env python3\n"), v.wants("tool", "#!/usr/bin/fish\n")] == \
        [True, True, True, False, False]


def test_escapes_comments_and_unclosed_strings():
    text = 'echo "a\\"b" c\\\'d \'e\' x#y "z" # "in a comment"\necho "open \\'
    assert [(l.location.line, l.location.column, l.text, l.quote) for l in literals("s.sh", text)] == [
        (1, 7, 'a\\"b', '"'),  # an escaped quote does not close a "..." string
        (1, 19, "e", "'"),  # a backslash outside quotes escapes the quote after it
        (1, 27, "z", '"'),  # `#` inside a word starts no comment
        (2, 7, "open \\", '"'),  # not closed: runs to the end, a last backslash included
    ]
    assert [(l.text, l.quote) for l in literals("s.sh", "x 'never closed\n# not a comment")] == \
        [("never closed\n# not a comment", "'")]
