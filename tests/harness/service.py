"""Background servers of the test harness on loopback: start once, wait until they answer, stop by pidfile."""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import time
import urllib.request


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def start(name: str, argv: list[str], url: str, state: pathlib.Path) -> None:
    """Run argv in its own session unless `url` already answers; fail naming the log when it never does."""
    if answers(url):
        return
    state.mkdir(parents=True, exist_ok=True)
    log = state / f"{name}.log"
    with log.open("ab") as fh:
        proc = subprocess.Popen(argv, stdout=fh, stderr=fh, start_new_session=True)
    (state / f"{name}.pid").write_text(str(proc.pid))
    for dummy in range(100):
        if answers(url):
            return
        time.sleep(0.1)
    raise SystemExit(f"{name}: no answer on {url}; see {log}")


def stop(name: str, state: pathlib.Path) -> None:
    pidfile = state / f"{name}.pid"
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text()), signal.SIGTERM)
        except ProcessLookupError:
            pass
        pidfile.unlink()
