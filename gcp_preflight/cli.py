"""The `preflight` command: the contract in DESIGN.md.

Exit status: 0 nothing at or above the failing severity, 1 findings, 2 usage, configuration or
internal error (`--exit-zero` never hides a 2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from gcp_preflight import __version__, gc_pause, progress
from gcp_preflight.config import Config, ConfigError, find_config_file, load
from gcp_preflight.report import FORMATS, render

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
INTERNAL_ERROR = "PF009"  # a reader crashed on a file: an internal error, reported as a finding


class UsageError(Exception):
    pass


# -- root and paths ---------------------------------------------------------------------------
def find_root(paths: Sequence[str], explicit: str | None) -> Path:
    """--root, else the nearest folder at or above the first path (or the working directory)
    with a preflight config, else the git top level, else that folder."""
    if explicit:
        root = Path(explicit)
        if not root.is_dir():
            raise UsageError(f"--root {explicit}: not a directory")
        return root.resolve()
    start = Path(paths[0]) if paths else Path.cwd()
    if not start.exists() and not start.is_symlink():
        raise UsageError(f"{paths[0]}: no such file or directory")
    start = start.absolute()
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if find_config_file(folder):
            return folder.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder.resolve()
    return start.resolve()


def relative_paths(paths: Sequence[str], root: Path) -> list[str]:
    out = []
    for p in paths:
        absolute = Path(p).absolute()
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            try:
                rel = absolute.resolve().relative_to(root).as_posix()
            except ValueError:
                raise UsageError(f"{p}: outside the project root {root}") from None
        if rel in ("", "."):
            return []  # the whole root
        out.append(rel)
    return out


def codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(c.strip().upper() for c in value.split(",") if c.strip())


# -- shared option groups ---------------------------------------------------------------------
def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", help="project root (default: nearest folder with a preflight config, else git top level)")
    p.add_argument("--config", help="configuration file (preflight.toml or pyproject.toml)")
    p.add_argument("--select", help="comma-separated rule codes or prefixes to run")
    p.add_argument("--ignore", help="comma-separated rule codes or prefixes not to run")
    p.add_argument("--format", choices=FORMATS, default=os.environ.get("PREFLIGHT_FORMAT", "text"))
    p.add_argument("--output", "-o", help="write the report to this file instead of standard output")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings fail (errors still exit 2)")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), help="lowest failing severity (default: config, else warning)")
    p.add_argument("--show-source", action="store_true", help="show the source line under each finding (text format)")
    p.add_argument("--quiet", "-q", action="store_true", help="print the findings only, no summary (text format)")
    p.add_argument("--statistics", action="store_true", help="print the number of findings per code instead of each finding (text format)")
    p.add_argument("--category", help="the SARIF run's category for code scanning (runAutomationDetails.id), one per root "
                                      "when a workflow checks several (default: preflight/<command>)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the fact cache (a per-user folder: $PREFLIGHT_CACHE_DIR, else ~/.cache/gcp-preflight)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--resolve", action="store_true", default=None,
                       help="exact packaging checks: resolve each unit's requirements with pip (no install; cached per user)")
    group.add_argument("--no-resolve", dest="resolve", action="store_false",
                       help="never resolve, whatever [packaging] resolve says (the pre-commit hooks pass it)")


def _add_live(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", help="Google Cloud project id (default: [audit] project, else GOOGLE_CLOUD_PROJECT)")
    p.add_argument("--region", action="append", default=[],
                   help="region to audit, repeatable (default: [audit] regions, else the deploy commands' --region)")
    p.add_argument("--inventory", action="append", default=[], metavar="FILE",
                   help="audit this inventory instead of calling Google: JSON from `gcloud functions list`, `gcloud run "
                        "services list`, `gcloud run jobs list` (--format=json) or --save-inventory (repeatable)")
    p.add_argument("--timeout", type=float, help="seconds per API request, retries included (default: [audit] timeout, else 30)")


def _add_tracked(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tracked-only", action="store_true",
                   help="treat files git does not track as absent, as a deploy from CI sees the repository "
                        "(always on under pre-commit)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="preflight", description="Static checks for Python data pipelines on Google Cloud.")
    parser.add_argument("--version", action="version", version=f"gcp-preflight {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help="run the static checks", description=(
        "Read the whole repository and report what will break once deployed. With PATHs, report only "
        "the findings located in, related to, or depending on those files."))
    p.add_argument("paths", nargs="*", metavar="PATH", help="report only findings in or related to these files")
    _add_common(p)
    p.add_argument("--baseline", help="hide findings recorded in this baseline file")
    p.add_argument("--write-baseline", metavar="FILE", help="record the current findings as accepted and exit 0")
    p.add_argument("--fix", action="store_true", help="apply safe fixes, then report what remains")
    p.add_argument("--unsafe-fixes", action="store_true",
                   help="with --fix, also apply fixes that change cost or behaviour (raising deploy memory)")
    p.add_argument("--diff", action="store_true",
                   help="print every fix (unsafe ones too) as a unified diff and write nothing; exit 1 if there is any")
    _add_tracked(p)

    p = sub.add_parser("audit", help="compare deployed resources with floors and deploy commands", description=(
        "List the deployed Cloud Functions and Cloud Run resources (or read inventory files) and compare "
        "them with the memory floors and the repository's deploy commands (PF9xx)."))
    _add_common(p)
    _add_live(p)
    p.add_argument("--save-inventory", metavar="FILE", help="also write what was listed to FILE, for --inventory later")

    p = sub.add_parser("validate-all", help="static checks plus the live audit: the gate before a deploy", description=(
        "Run `check` on ROOT and, when a project or an inventory is configured, the live audit, in one "
        "report: the gate before a deploy."))
    p.add_argument("root_arg", nargs="?", metavar="ROOT")
    _add_common(p)
    _add_live(p)
    p.add_argument("--baseline", help="hide findings recorded in this baseline file")
    p.add_argument("--offline", action="store_true", help="skip the live audit")
    p.add_argument("--require-live", action="store_true",
                   help="fail (exit 2) when there is nothing to audit against, instead of skipping the audit")
    _add_tracked(p)

    p = sub.add_parser("rules", help="list the rules", description="List every rule: code, name, default severity, summary.")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("rule", help="explain one rule", description=(
        "Print one rule's documentation: what it does, why it matters, an example and the fix."))
    p.add_argument("code")

    p = sub.add_parser("init", help="write a starting configuration", description=(
        "Look at the repository and write a commented [tool.gcp-preflight] section (or preflight.toml) "
        "proposing each family's contracts and floors."))
    p.add_argument("root_arg", nargs="?", metavar="ROOT")
    p.add_argument("--force", action="store_true", help="replace an existing gcp-preflight configuration")
    p.add_argument("--dry-run", action="store_true", help="print what would be written; write nothing")
    return parser


# -- commands ---------------------------------------------------------------------------------
def _emit(text: str, output: str | None, root: Path | None = None) -> None:
    """The report to stdout, or to --output without following a link (the checkout may have
    planted one under the report's name)."""
    from gcp_preflight import safe_io

    progress.done()
    if output:
        try:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            safe_io.write_text(Path(output), text, root)
        except safe_io.UnsafePath as exc:
            raise UsageError(f"--output {output}: {exc}") from None
        except OSError as exc:
            raise UsageError(f"--output {output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _colour(output: str | None) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return output is None and sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _load_config(args, root: Path) -> Config:
    return load(root, Path(args.config) if getattr(args, "config", None) else None,
                remember=not getattr(args, "no_cache", False))


def _selection(args, config: Config):
    from gcp_preflight.engine import Selection

    from gcp_preflight.codes import unknown

    for option in ("select", "ignore"):
        for code in codes(getattr(args, option)) or ():
            problem = unknown(code)
            if problem:
                raise UsageError(f"--{option}: {problem}")
    select = codes(args.select) if args.select is not None else tuple(config.select)
    ignore = tuple(config.ignore) + (codes(args.ignore) or ())
    return Selection(select, ignore)


def report_and_exit(args, result, project, config: Config, category: str = "preflight/check") -> int:
    from gcp_preflight.engine import failing

    from gcp_preflight.hooks import github

    show_source = args.show_source or (args.output is None and sys.stdout.isatty())
    prefix = getattr(args, "path_prefix", None)  # set when one run checks several roots
    cwd_in_root = ""
    if prefix is None:
        if args.format in ("github", "sarif"):  # as GitHub names files: from the workspace
            prefix = github.path_prefix(project.root, os.environ)
        elif args.format == "text":  # as ruff: from where you stand, so terminals and editors open them
            prefix, cwd_in_root = _seen_from_cwd(project.root)
        else:  # json: root-relative, whatever the working directory
            prefix = ""
    text = render(args.format, result.findings, files=result.files, duration_s=result.duration_s,
                  source=project.line if show_source else None, colour=_colour(args.output),
                  fixed=result.fixed, category=args.category or category, path_prefix=prefix, cwd_in_root=cwd_in_root,
                  unsafe_fixes=getattr(args, "unsafe_fixes", False), quiet=args.quiet,
                  show_statistics=args.statistics)
    _emit(text, args.output, project.root)
    if args.format == "github":
        github.write_step_summary(result.findings, os.environ, prefix)
        github.write_counts(result.findings, os.environ)
    for notice in result.notices:
        print(notice, file=sys.stderr)
    if _internal_error(result):
        return EXIT_ERROR
    fail_on = args.fail_on or config.fail_on
    if failing(result.findings, fail_on) and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def _tracked(args, root: Path) -> frozenset[str] | None:
    """The files git tracks, with --tracked-only or under pre-commit (which does not stash
    untracked files); None otherwise, or when git cannot list them (said once)."""
    from gcp_preflight import tracked

    if not (getattr(args, "tracked_only", False) or tracked.wanted(os.environ)):
        return None
    files = tracked.tracked_files(root)
    if files is None:
        print(f"preflight: {_display_root(root) or '.'} is not in a git repository (or git is not installed), so "
              "files git does not track cannot be left out; checking every file", file=sys.stderr)
    return files


def _internal_error(result) -> bool:
    """A reader failed on a file (PF009): the report is incomplete, so the run never passes."""
    if any(f.code == INTERNAL_ERROR for f in result.findings):
        print(f"preflight: a reader failed ({INTERNAL_ERROR}), so findings may be missing; exit status 2",
              file=sys.stderr)
        return True
    return False


def _seen_from_cwd(root: Path) -> tuple[str, str]:
    """(the root seen from the working directory when it lies below it, the working directory
    seen from the root when it lies inside it); ("", "") for the root itself or an unrelated
    folder, where paths stay root-relative."""
    try:
        cwd = Path.cwd().resolve()
    except OSError:
        return "", ""
    if cwd == root:
        return "", ""
    if root in cwd.parents:
        return "", cwd.relative_to(root).as_posix()
    if cwd in root.parents:
        return root.relative_to(cwd).as_posix(), ""
    return "", ""


def _baseline(args, config: Config, root: Path):
    from gcp_preflight.suppressions import read_baseline

    baseline_file = args.baseline or config.get("baseline")
    if not baseline_file:
        return None
    path = Path(baseline_file)
    if not path.is_absolute() and not path.exists():
        path = root / baseline_file
    return read_baseline(path)


LIVE_FAMILY = "PF9"


def _static_only(selection):
    """Without an audit the PF9xx rules have nothing to look at; leaving them out also keeps a
    `# preflight: ignore[PF902]` on a deploy line from counting as unused."""
    from gcp_preflight.engine import Selection

    return Selection(selection.select, selection.ignore + (LIVE_FAMILY,))


def _live_only(selection):
    """`audit` reports PF9xx only; a select that names no PF9 prefix selects none."""
    from gcp_preflight.engine import Selection

    if not selection.select or "ALL" in selection.select:
        select = (LIVE_FAMILY,)
    else:
        select = tuple(c for c in selection.select if c.startswith(LIVE_FAMILY) or LIVE_FAMILY.startswith(c))
        select = tuple(LIVE_FAMILY if LIVE_FAMILY.startswith(c) else c for c in select) or ("PF9__",)
    return Selection(select, selection.ignore)


def roots_of(paths: Sequence[str]) -> dict[Path, list[str]]:
    """Paths grouped by the root each would select (a repository holding several configured
    projects, as pre-commit passes them all at once). Looked up once per folder."""
    by_folder: dict[Path, Path] = {}
    groups: dict[Path, list[str]] = {}
    for p in paths:
        folder = Path(p).absolute().parent
        if folder not in by_folder:
            by_folder[folder] = find_root([p], None)
        groups.setdefault(by_folder[folder], []).append(p)
    return groups


def _check_each_root(args, groups: dict[Path, list[str]]) -> int:
    if args.format in ("json", "sarif") or args.output or args.write_baseline:
        shown = ", ".join(sorted(_display_root(root) or "." for root in groups))
        raise UsageError(f"the paths belong to several configured roots ({shown}); pass --root, or run once per root")
    status = EXIT_OK
    for root, paths in sorted(groups.items()):
        one = argparse.Namespace(**{**vars(args), "root": str(root), "paths": paths, "path_prefix": _display_root(root)})
        status = max(status, cmd_check(one))
    return status


def _display_root(root: Path) -> str:
    rel = os.path.relpath(root, Path.cwd()).replace(os.sep, "/")
    return "" if rel == "." else rel


def cmd_check(args) -> int:
    from gcp_preflight import engine
    from gcp_preflight.suppressions import write_baseline

    if args.root is None and len(args.paths) > 1:
        groups = roots_of(args.paths)
        if len(groups) > 1:
            return _check_each_root(args, groups)
    root = find_root(args.paths, args.root)
    config = _load_config(args, root)
    only = relative_paths(args.paths, root)
    selection = _selection(args, config)
    baseline = None if args.write_baseline else _baseline(args, config, root)
    kwargs = dict(selection=_static_only(selection), use_cache=not args.no_cache, baseline=baseline, only_paths=only,
                  tracked=_tracked(args, root), resolve=getattr(args, "resolve", None),
                  keep_edits=args.format == "json" or bool(args.diff or args.fix))
    result, project = engine.check(root, config, **kwargs)
    if args.diff:
        return _show_diff(args, root, result)
    if args.fix:
        from gcp_preflight.fixes import apply_fixes
        from gcp_preflight.report.text import fixable

        fixed = 0
        for _ in range(5):  # a fix may unlock another on the same file
            applied = apply_fixes(root, [f for f in result.findings if fixable(f, args.unsafe_fixes)])
            if not applied:
                break
            fixed += applied
            result, project = engine.check(root, config, **kwargs)
        result.fixed = fixed
    if args.write_baseline:
        write_baseline(Path(args.write_baseline), result.findings, root)
        print(f"Wrote {len(result.findings)} findings to {args.write_baseline}.", file=sys.stderr)
        return EXIT_OK
    return report_and_exit(args, result, project, config)


def _show_diff(args, root: Path, result) -> int:
    """`--diff`: every fix, unsafe ones included, as one unified diff; nothing is written."""
    from gcp_preflight.fixes import plan_fixes, unified_diff

    plans = plan_fixes(root, [f for f in result.findings if f.fix])
    _emit(unified_diff(plans), args.output, root)
    fixes = [f for plan in plans for f in plan.findings]
    unsafe = sorted({f.code for f in fixes if not f.fix.safe})
    line = f"Would fix {len(fixes)} finding{'s' if len(fixes) != 1 else ''}." if fixes else "No fixes."
    if unsafe:
        line += (f" {sum(1 for f in fixes if not f.fix.safe)} of them unsafe ({', '.join(unsafe)}): "
                 "--fix applies those only with --unsafe-fixes.")
    print(line, file=sys.stderr)
    if _internal_error(result):
        return EXIT_ERROR
    return EXIT_FINDINGS if fixes else EXIT_OK


def cmd_rules(args) -> int:
    from gcp_preflight.rules import ALL_RULES

    rules = sorted(ALL_RULES, key=lambda r: r.code)
    if args.format == "json":
        data = [{"code": r.code, "name": r.meta.name, "severity": r.meta.severity.value,
                 "summary": r.meta.summary} for r in rules]
        _emit(json.dumps(data, indent=2) + "\n", None)
    else:
        width = max(len(r.meta.name) for r in rules)
        _emit("".join(f"{r.code}  {r.meta.name.ljust(width)}  {r.meta.severity.value:<7}  {r.meta.summary}\n"
                      for r in rules), None)
    return EXIT_OK


def cmd_rule(args) -> int:
    from gcp_preflight.rules import BY_CODE

    rule = BY_CODE.get(args.code.upper())
    if rule is None:
        raise UsageError(f"unknown rule {args.code}; `preflight rules` lists them")
    meta = rule.meta
    _emit(f"{meta.code} {meta.name} ({meta.severity.value})\n\n{meta.doc}\n", None)
    return EXIT_OK


def cmd_init(args) -> int:
    from gcp_preflight.init import InitError, found_summary, run

    root = Path(args.root_arg or ".")
    if not root.is_dir():
        raise UsageError(f"{args.root_arg}: not a directory")
    try:
        result = run(root.resolve(), force=args.force, dry_run=args.dry_run)
    except InitError as exc:
        raise UsageError(str(exc)) from None
    if args.dry_run:
        _emit(result.text, None)
        return EXIT_OK
    where = result.path.name if result.path.name == "preflight.toml" else f"[tool.gcp-preflight] to {result.path.name}"
    lines = [f"Wrote {where} ({result.path}).", "Found:"]
    lines += [f"  {line}" for line in found_summary(result.layout)]
    lines += [f"Note: {note}" for note in result.notes]
    lines.append("Next: `preflight check`.")
    print("\n".join(lines), file=sys.stderr)
    return EXIT_OK



NO_PROJECT = ("no project to audit: pass --project ID, set `project` under [audit] in the configuration, "
              "or give --inventory FILE (from `gcloud functions list --format=json`)")


def _live_plan(args, root: Path, config: Config, save: str | None = None):
    from gcp_preflight.audit import make_plan

    return make_plan(root, config, project=args.project, regions=args.region, inventories=args.inventory,
                     save_inventory=save, timeout=args.timeout)


def cmd_audit(args) -> int:
    from gcp_preflight import engine
    from gcp_preflight.audit import LiveAudit, terminal_progress

    root = find_root([], args.root)
    config = _load_config(args, root)
    plan = _live_plan(args, root, config, args.save_inventory)
    if not plan.inventories and not plan.project:
        raise UsageError(NO_PROJECT)
    live = LiveAudit(plan, root, progress=terminal_progress())
    result, project = engine.check(root, config, selection=_live_only(_selection(args, config)),
                                   use_cache=not args.no_cache, extra_facts=live)
    result.notices += live.notices
    return report_and_exit(args, result, project, config, category="preflight/audit")


def cmd_validate_all(args) -> int:
    from gcp_preflight import engine
    from gcp_preflight.audit import LiveAudit, terminal_progress

    root = find_root([args.root_arg] if args.root_arg else [], args.root)
    config = _load_config(args, root)
    selection = _selection(args, config)
    plan = _live_plan(args, root, config)
    live, skipped = None, None
    if args.offline:
        skipped = "Live audit skipped (--offline)."
    elif not plan.inventories and not plan.project:
        if args.require_live:
            raise UsageError(NO_PROJECT + " (--require-live)")
        skipped = "Live audit skipped: no project configured and no inventory given (--require-live makes this fail)."
    else:
        live = LiveAudit(plan, root, progress=terminal_progress(), keep_going=True)
    result, project = engine.check(root, config, selection=selection if live else _static_only(selection),
                                   use_cache=not args.no_cache, baseline=_baseline(args, config, root),
                                   extra_facts=live or (), tracked=_tracked(args, root),
                                   resolve=getattr(args, "resolve", None))
    if skipped:
        result.notices.append(skipped)
    if live:
        result.notices += live.notices
    status = report_and_exit(args, result, project, config, category="preflight/validate-all")
    if live and live.error:
        print(f"preflight: live audit failed: {live.error}", file=sys.stderr)
        return EXIT_ERROR
    return status


COMMANDS = {
    "check": cmd_check,
    "rules": cmd_rules,
    "rule": cmd_rule,
    "audit": cmd_audit,
    "validate-all": cmd_validate_all,
    "init": cmd_init,
}


def run() -> int:
    """The console script and `python -m gcp_preflight`: main() in a process that ends with it."""
    return main(process_ends=True)


def main(argv: Sequence[str] | None = None, process_ends: bool = False) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_ERROR
    show_progress = (args.command in ("check", "validate-all", "init") and getattr(args, "format", "text") == "text"
                     and not getattr(args, "quiet", False) and progress.wanted())
    try:
        with progress.shown(show_progress), gc_pause.paused(process_ends):
            return COMMANDS[args.command](args)
    except (ConfigError, UsageError) as exc:
        print(f"preflight: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug must still be one line and exit 2
        from gcp_preflight.audit import AuditError
        from gcp_preflight.suppressions import BaselineError

        if isinstance(exc, (BaselineError, AuditError)):
            print(f"preflight: {exc}", file=sys.stderr)
            return EXIT_ERROR
        if os.environ.get("PREFLIGHT_DEBUG"):
            raise
        print(f"preflight: internal error: {type(exc).__name__}: {exc} (set PREFLIGHT_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return EXIT_ERROR
