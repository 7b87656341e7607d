#!/usr/bin/env python3
"""A real OCI registry on loopback (distribution v3, compiled by gobuild.py), for the fleet rollout tests.

Usage: registry.py up      start it (idempotent); prints host:port
       registry.py down    stop it
"""
from __future__ import annotations

import argparse
import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cli  # noqa: E402
import gobuild  # noqa: E402
import service  # noqa: E402

PORT = int(os.environ.get("CIAB_REGISTRY_PORT", "5055"))
STATE = gobuild.CACHE / "registry"
CONFIG = """version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
"""


def address() -> str:
    return f"127.0.0.1:{PORT}"


def up() -> None:
    binary = gobuild.build("registry") / "registry"
    STATE.mkdir(parents=True, exist_ok=True)
    (STATE / "config.yml").write_text(CONFIG.format(root=STATE / "data", port=PORT))
    service.start("registry", [str(binary), "serve", str(STATE / "config.yml")], f"http://{address()}/v2/", STATE)


def down() -> None:
    service.stop("registry", STATE)


def act(args: argparse.Namespace) -> int:
    if args.action == "up":
        up()
        print(address())
    else:
        down()
    return 0


def command(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["up", "down"])
    parser.set_defaults(handler=act)


if __name__ == "__main__":
    sys.exit(cli.run(sys.modules[__name__]))
