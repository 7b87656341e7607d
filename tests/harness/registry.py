#!/usr/bin/env python3
"""A real OCI registry on loopback (distribution v3, compiled by gobuild.py), for the fleet rollout tests.

Usage: registry.py up      start it (idempotent); prints host:port
       registry.py down    stop it
"""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gobuild  # noqa: E402

PORT = int(os.environ.get("CIAB_REGISTRY_PORT", "5055"))
STATE = gobuild.CACHE / "registry"
PIDFILE = STATE / "pid"
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


def answers() -> bool:
    try:
        with urllib.request.urlopen(f"http://{address()}/v2/", timeout=2):
            return True
    except OSError:
        return False


def up() -> None:
    if answers():
        return
    binary = gobuild.build("registry") / "registry"
    STATE.mkdir(parents=True, exist_ok=True)
    (STATE / "config.yml").write_text(CONFIG.format(root=STATE / "data", port=PORT))
    log = (STATE / "registry.log").open("ab")
    proc = subprocess.Popen([str(binary), "serve", str(STATE / "config.yml")], stdout=log, stderr=log,
                            start_new_session=True)
    PIDFILE.write_text(str(proc.pid))
    for _ in range(100):
        if answers():
            return
        time.sleep(0.1)
    raise SystemExit(f"registry: no answer on {address()}; see {STATE / 'registry.log'}")


def down() -> None:
    if PIDFILE.exists():
        try:
            os.kill(int(PIDFILE.read_text()), signal.SIGTERM)
        except ProcessLookupError:
            pass
        PIDFILE.unlink()


def main() -> int:
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "up":
        up()
        print(address())
    elif cmd == "down":
        down()
    else:
        print(__doc__, file=sys.stderr)
        return 64
    return 0


if __name__ == "__main__":
    sys.exit(main())
