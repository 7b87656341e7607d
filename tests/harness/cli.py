"""The harness's one CLI style: each tool module defines `command(parser)`, which adds its arguments (subcommands
where it has several) and sets `handler` (args -> exit code). Usage errors exit 2 with argparse's message; the
module's docstring is its --help."""
from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

TOOLS = ("gobuild", "crds", "node_components", "mirror", "registry", "testbed", "model", "scan_secrets", "scenarios")


def parser_for(module: ModuleType, prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=module.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    module.command(parser)
    return parser


def run(module: ModuleType, argv: list[str] | None = None) -> int:
    """A tool run as a script (`python tests/harness/gobuild.py ...`)."""
    name = module.__name__ if module.__name__ != "__main__" else module.__file__.rsplit("/", 1)[-1][:-3]
    args = parser_for(module, f"harness {name}").parse_args(argv)
    return args.handler(args)


def main(argv: list[str] | None = None) -> int:
    """The package run as a program (`python tests/harness TOOL ...`)."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in TOOLS:
        print(f"usage: harness TOOL ...  (TOOL: {', '.join(TOOLS)}; harness TOOL --help)", file=sys.stderr)
        return 2
    return run(importlib.import_module(argv[0]), argv[1:])
