#!/usr/bin/env python3
"""Ledger of the Molecule scenarios of one `make test` run, so a scenario that cannot run here is reported as
NOT RUN (never as passed), and the run ends with one summary line.

Usage: scenarios.py record NAME passed|failed|not-run [REASON]
       scenarios.py kind-node-source   print "pull" when the KIND node image is here or can be pulled, else
                                       say (on stderr) that it will be built offline and print "build"
       scenarios.py summary            print the ledger and "molecule: N passed, N failed, N skipped";
                                       exit 1 when a scenario failed or none passed
"""
from __future__ import annotations

import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
LEDGER = ROOT / "tests" / "output" / "scenarios.txt"


def record(name: str, result: str, reason: str = "") -> None:
    LEDGER.parent.mkdir(parents=True, exist_ok=True)
    with LEDGER.open("a") as fh:
        fh.write(f"{name}\t{result}\t{reason}\n")


def node_image() -> str:
    return yaml.safe_load((ROOT / "roles" / "kind_cluster" / "defaults" / "main.yml").read_text())["kind_cluster_node_image"]


def kind_node_source() -> int:
    image = node_image()
    if subprocess.run(["docker", "image", "inspect", image], capture_output=True).returncode == 0:
        print("pull")
        return 0
    pull = subprocess.run(["docker", "pull", image], capture_output=True, text=True)
    if pull.returncode == 0:
        print("pull")
        return 0
    print(f"NOTE: KIND node image {image} cannot be pulled here ({pull.stderr.strip()[:120]}); the default "
          "scenario builds its node image offline (kind_cluster_node_image_source=build)", file=sys.stderr, flush=True)
    print("build")
    return 0


def summary() -> int:
    rows = [line.split("\t") for line in LEDGER.read_text().splitlines()] if LEDGER.exists() else []
    counts = {"passed": 0, "failed": 0, "not-run": 0}
    print("== Molecule scenarios")
    for name, result, reason in rows:
        counts[result] += 1
        print(f"  {name:<10} {result.upper():<8} {reason}")
    print(f"molecule: {counts['passed']} passed, {counts['failed']} failed, {counts['not-run']} skipped")
    return 1 if counts["failed"] or not counts["passed"] else 0


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["record"] and len(args) >= 3 and args[2] in ("passed", "failed", "not-run"):
        record(args[1], args[2], " ".join(args[3:]))
        return 0
    if args == ["kind-node-source"]:
        return kind_node_source()
    if args == ["summary"]:
        return summary()
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main())
