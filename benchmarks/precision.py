"""Join a corpus run's findings with the stored verdicts and print the precision.

    python benchmarks/precision.py REPORTS [--verdicts DIR] [--codes PF0,PF2,PF3,PF502] [--suffix .check.json]
                                          [--verdict-suffix .tsv]

REPORTS is the --out folder of benchmarks/corpus.py: one `<dir>.check.json` per repository. The verdicts are
benchmarks/corpus/verdicts/<dir>.tsv, one judged error or warning a line (tab-separated, `#` starts a comment):

    code    path    line    verdict    reason

with verdict `true`, `true-low` (right, but not worth a failing check) or `false`. Another run of the same
repositories (say `--suffix .check-init.json`, checked with the configuration init proposes) keeps its verdicts
apart: `--verdict-suffix .init.tsv` reads `<dir>.init.tsv` instead. A finding is matched by code,
path and line, never by message (messages change wording; the judgement does not). A verdict whose line no
longer holds a finding of its code and path still judges the nearest unmatched finding of that code and path,
so an edit above a finding does not unjudge it. Only errors and warnings are judged; infos are left out.

It prints, per repository and overall, judged / true / true-low / false / precision ((true + true-low) / judged),
the same per code family, then every finding without a verdict (as a TSV row to fill in) and every verdict that
matched no finding (stale: the finding is gone).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICTS = ("true", "true-low", "false")
JUDGED_SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Verdict:
    code: str
    path: str
    line: int
    verdict: str
    reason: str


class VerdictError(ValueError):
    """A verdict file line that is not `code, path, line, verdict, reason`."""


def read_verdicts(path: Path) -> list[Verdict]:
    rows = []
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        if not raw.strip() or raw.startswith(("#", "code\t")):
            continue
        cells = raw.split("\t")
        if len(cells) != 5 or not cells[2].isdigit() or cells[3] not in VERDICTS:
            raise VerdictError(f"{path}:{number}: expected code<TAB>path<TAB>line<TAB>{'|'.join(VERDICTS)}"
                               f"<TAB>reason, got {raw!r}")
        rows.append(Verdict(cells[0], cells[1], int(cells[2]), cells[3], cells[4]))
    return rows


def selected(finding: dict, prefixes: tuple[str, ...]) -> bool:
    return finding["severity"] in JUDGED_SEVERITIES and (not prefixes or finding["code"].startswith(prefixes))


def join(findings: list[dict], verdicts: list[Verdict]) -> tuple[list[tuple[dict, Verdict | None]], list[Verdict]]:
    """Each finding with its verdict (or None), and the verdicts that judged nothing.

    A verdict judges every finding of its code, path and line (two findings on one line share it); the
    findings left then take, one each, the unused verdict of their code and path nearest in lines."""
    exact: dict[tuple, Verdict] = {(v.code, v.path, v.line): v for v in verdicts}
    used: set[Verdict] = set()
    matched: list[tuple[dict, Verdict | None]] = []
    for finding in findings:
        verdict = exact.get((finding["code"], finding["path"], finding["line"]))
        if verdict:
            used.add(verdict)
        matched.append((finding, verdict))
    spare: dict[tuple, list[Verdict]] = {}
    for verdict in verdicts:
        if verdict not in used:
            spare.setdefault((verdict.code, verdict.path), []).append(verdict)
    for index, (finding, verdict) in enumerate(matched):
        candidates = spare.get((finding["code"], finding["path"]))
        if verdict is None and candidates:
            nearest = min(candidates, key=lambda v: (abs(v.line - finding["line"]), v.line))
            candidates.remove(nearest)
            used.add(nearest)
            matched[index] = (finding, nearest)
    return matched, [v for v in verdicts if v not in used]


def family(code: str) -> str:
    return code[:3] + "xx"


def tally(pairs: list[tuple[dict, Verdict | None]]) -> Counter:
    counts: Counter = Counter(findings=len(pairs))
    for _finding, verdict in pairs:
        counts[verdict.verdict if verdict else "unjudged"] += 1
    return counts


def row(name: str, counts: Counter) -> str:
    judged = counts["true"] + counts["true-low"] + counts["false"]
    precision = f"{100 * (judged - counts['false']) / judged:.1f}%" if judged else "-"
    return (f"| {name} | {counts['findings']} | {judged} | {counts['true']} | {counts['true-low']} "
            f"| {counts['false']} | {precision} | {counts['unjudged']} |")


HEADER = ("| {} | errors + warnings | judged | true | true-low | false | precision | unjudged |\n"
          "|---|---|---|---|---|---|---|---|")


def load_report(path: Path) -> list[dict]:
    return json.loads(path.read_text()).get("findings", [])


def measure(reports: Path, verdicts_dir: Path, prefixes: tuple[str, ...], suffix: str,
            verdict_suffix: str = ".tsv") -> dict:
    """Per repository: its joined findings and its stale verdicts."""
    result = {}
    for report in sorted(reports.glob(f"*{suffix}")):
        repo = report.name[: -len(suffix)]
        findings = [f for f in load_report(report) if selected(f, prefixes)]
        tsv = verdicts_dir / f"{repo}{verdict_suffix}"
        verdicts = [v for v in read_verdicts(tsv) if not prefixes or v.code.startswith(prefixes)] \
            if tsv.is_file() else []
        result[repo] = join(findings, verdicts)
    return result


def render(measured: dict) -> str:
    lines = [HEADER.format("repository")]
    every: list = []
    for repo, (pairs, _stale) in measured.items():
        lines.append(row(repo, tally(pairs)))
        every += pairs
    lines.append(row("**all**", tally(every)))
    lines += ["", HEADER.format("family")]
    for fam in sorted({family(f["code"]) for f, _ in every}):
        lines.append(row(fam, tally([p for p in every if family(p[0]["code"]) == fam])))
    lines += ["", HEADER.format("code")]
    for code in sorted({f["code"] for f, _ in every}):
        lines.append(row(code, tally([p for p in every if p[0]["code"] == code])))
    unjudged = [(repo, f) for repo, (pairs, _) in measured.items() for f, v in pairs if v is None]
    lines += ["", f"## Unjudged ({len(unjudged)})"]
    lines += [f"{repo}\t{f['code']}\t{f['path']}\t{f['line']}\t?\t{f['severity']}: {f['message']}"
              for repo, f in unjudged]
    stale = [(repo, v) for repo, (_, spare) in measured.items() for v in spare]
    lines += ["", f"## Stale verdicts ({len(stale)})"]
    lines += [f"{repo}\t{v.code}\t{v.path}\t{v.line}\t{v.verdict}\t{v.reason}" for repo, v in stale]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path, help="the --out folder of benchmarks/corpus.py")
    parser.add_argument("--verdicts", type=Path, default=HERE / "corpus" / "verdicts", help="folder of <dir>.tsv")
    parser.add_argument("--verdict-suffix", default=".tsv",
                        help="verdict file suffix (default .tsv; e.g. .init.tsv for the --suffix .check-init.json run)")
    parser.add_argument("--codes", default="", help="comma-separated code prefixes to judge (default: all)")
    parser.add_argument("--suffix", default=".check.json", help="report file suffix (default .check.json)")
    args = parser.parse_args(argv)
    prefixes = tuple(p.strip() for p in args.codes.split(",") if p.strip())
    try:
        measured = measure(args.reports, args.verdicts, prefixes, args.suffix, args.verdict_suffix)
    except VerdictError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(render(measured))
    return 0


if __name__ == "__main__":
    sys.exit(main())
