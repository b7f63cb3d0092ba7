"""The standard library of each Python runtime, as data (the host's own list would make the
answer depend on the Python that runs the tool).

Names are top-level modules of CPython 3.11 (`sys.stdlib_module_names`, private names left
out), adjusted per version with the additions and removals listed in each "What's New".
"""

from __future__ import annotations

_PY311 = frozenset("""
    __future__ _thread abc aifc antigravity argparse array ast asynchat asyncio asyncore atexit
    audioop base64 bdb binascii bisect builtins bz2 cProfile calendar cgi cgitb chunk cmath cmd
    code codecs codeop collections colorsys compileall concurrent configparser contextlib
    contextvars copy copyreg crypt csv ctypes curses dataclasses datetime dbm decimal difflib
    dis distutils doctest email encodings ensurepip enum errno faulthandler fcntl filecmp
    fileinput fnmatch fractions ftplib functools gc genericpath getopt getpass gettext glob
    graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr imp importlib inspect
    io ipaddress itertools json keyword lib2to3 linecache locale logging lzma mailbox mailcap
    marshal math mimetypes mmap modulefinder msilib msvcrt multiprocessing netrc nis nntplib nt
    ntpath nturl2path numbers opcode operator optparse os ossaudiodev pathlib pdb pickle
    pickletools pipes pkgutil platform plistlib poplib posix posixpath pprint profile pstats pty
    pwd py_compile pyclbr pydoc pydoc_data pyexpat queue quopri random re readline reprlib
    resource rlcompleter runpy sched secrets select selectors shelve shlex shutil signal site
    smtpd smtplib sndhdr socket socketserver spwd sqlite3 sre_compile sre_constants sre_parse
    ssl stat statistics string stringprep struct subprocess sunau symtable sys sysconfig syslog
    tabnanny tarfile telnetlib tempfile termios textwrap this threading time timeit tkinter
    token tokenize tomllib trace traceback tracemalloc tty turtle turtledemo types typing
    unicodedata unittest urllib uu uuid venv warnings wave weakref webbrowser winreg winsound
    wsgiref xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo
""".split())

ADDED = {  # module -> first version that has it
    "zoneinfo": (3, 9), "graphlib": (3, 9), "tomllib": (3, 11),
}
REMOVED = {  # module -> first version without it
    "formatter": (3, 10), "parser": (3, 10), "symbol": (3, 10), "binhex": (3, 11),
    "asynchat": (3, 12), "asyncore": (3, 12), "distutils": (3, 12), "imp": (3, 12), "smtpd": (3, 12),
    "aifc": (3, 13), "audioop": (3, 13), "cgi": (3, 13), "cgitb": (3, 13), "chunk": (3, 13),
    "crypt": (3, 13), "imghdr": (3, 13), "lib2to3": (3, 13), "mailcap": (3, 13), "msilib": (3, 13),
    "nis": (3, 13), "nntplib": (3, 13), "ossaudiodev": (3, 13), "pipes": (3, 13), "sndhdr": (3, 13),
    "spwd": (3, 13), "sunau": (3, 13), "telnetlib": (3, 13), "uu": (3, 13), "xdrlib": (3, 13),
}
_ALL = _PY311 | set(REMOVED)


def is_stdlib(top: str, version: tuple[int, int] | None) -> bool:
    """Whether `top` is a standard-library module in that version (any version when None)."""
    if top not in _ALL:
        return False
    if version is None:
        return True
    if top in ADDED and version < ADDED[top]:
        return False
    return not (top in REMOVED and version >= REMOVED[top])


def removed_in(top: str, version: tuple[int, int] | None) -> tuple[int, int] | None:
    """The version that removed `top` from the standard library, when `version` lacks it."""
    if version is not None and top in REMOVED and version >= REMOVED[top]:
        return REMOVED[top]
    return None
