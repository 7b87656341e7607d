#!/usr/bin/env python3
"""Ledger of one `make test` run: the Molecule scenarios (passed or failed, and one that was expected but never
reported is MISSING, never counted as passed) and the time of each phase (lint, unit, each Go build,
each scenario, integration), printed as a table at the end so every CI log shows the budget.

Usage: scenarios.py run NAME -- CMD...       run a Molecule scenario's command; record passed/failed and its time
       scenarios.py phase NAME -- CMD...     run any other phase's command; record its time (and its exit code)
       scenarios.py summary [--expect A,B,...]
                                       print the ledger, "molecule: N passed, N failed" and the time
                                       table; exit 1 when a scenario failed, an expected one did not report, or
                                       none passed
Go builds add their own lines (tests/harness/gobuild.py, when it compiles rather than reuses).
"""
from __future__ import annotations

import argparse
import pathlib
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import cli  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
LEDGER = ROOT / "tests" / "output" / "scenarios.txt"
PHASES = ROOT / "tests" / "output" / "phases.txt"


def record(name: str, result: str, reason: str = "") -> None:
    LEDGER.parent.mkdir(parents=True, exist_ok=True)
    with LEDGER.open("a") as fh:
        fh.write(f"{name}\t{result}\t{reason}\n")


def record_phase(kind: str, name: str, seconds: float, result: str) -> None:
    PHASES.parent.mkdir(parents=True, exist_ok=True)
    with PHASES.open("a") as fh:
        fh.write(f"{kind}\t{name}\t{seconds:.0f}\t{result}\n")


def timed(kind: str, name: str, argv: list[str]) -> int:
    started = time.monotonic()
    rc = subprocess.run(argv, check=False).returncode
    record_phase(kind, name, time.monotonic() - started, "ok" if rc == 0 else f"exit {rc}")
    if kind == "scenario":
        record(name, "passed" if rc == 0 else "failed")
    return rc


def time_table() -> list[str]:
    rows = [line.split("\t") for line in PHASES.read_text().splitlines()] if PHASES.exists() else []
    if not rows:
        return []
    out = ["== Time per phase (seconds)"]
    for kind, name, seconds, result in rows:
        out.append(f"  {seconds:>6}  {kind:<9} {name:<28} {result}")
    out.append(f"  {sum(int(r[2]) for r in rows):>6}  total")
    return out


def summary(expect: list[str]) -> int:
    rows = [line.split("\t") for line in LEDGER.read_text().splitlines()] if LEDGER.exists() else []
    counts = {"passed": 0, "failed": 0}
    print("== Molecule scenarios")
    for name, result, reason in rows:
        counts[result] += 1
        print(f"  {name:<10} {result.upper():<8} {reason}")
    missing = [name for name in expect if name not in {row[0] for row in rows}]
    for name in missing:
        print(f"  {name:<10} MISSING  expected, but it never reported")
    print(f"molecule: {counts['passed']} passed, {counts['failed']} failed"
          + (f", {len(missing)} missing" if missing else ""))
    print("\n".join(time_table()))
    return 1 if counts["failed"] or not counts["passed"] or missing else 0


def act(args: argparse.Namespace) -> int:
    if args.action == "summary":
        return summary([name for name in (args.expect or "").split(",") if name])
    # argparse drops the "--" that keeps CMD's own options from being read as ours
    argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    if not argv:
        args.parser.error("no command to run (it goes after --)")
    return timed("scenario" if args.action == "run" else "phase", args.name, argv)


def command(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    for action in ("run", "phase"):
        p = sub.add_parser(action)
        p.add_argument("name")
        p.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- CMD ...")
        p.set_defaults(parser=p)
    sub.add_parser("summary").add_argument("--expect", help="the scenarios that must report, comma-separated")
    parser.set_defaults(handler=act)


if __name__ == "__main__":
    sys.exit(cli.run(sys.modules[__name__]))
