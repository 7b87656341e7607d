"""runc-capfilter edits the OCI spec it is handed, then runs runc with the same arguments.

A fake runc records its arguments; CIAB_CAPBND stands in for the host's capability bounding set."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
from shutil import which as shutil_which

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
WRAPPER = ROOT / "roles" / "kind_node_image" / "files" / "rootfs" / "usr" / "local" / "sbin" / "runc-capfilter"
FULL = format((1 << (int(pathlib.Path("/proc/sys/kernel/cap_last_cap").read_text()) + 1)) - 1, "x")
NO_SYS_RESOURCE = format(int(FULL, 16) & ~(1 << 24), "x")
OWN_OOM = int(pathlib.Path("/proc/self/oom_score_adj").read_text())

CAPS = ["CAP_CHOWN", "CAP_SYS_RESOURCE", "CAP_NET_ADMIN"]


def run(tmp_path: pathlib.Path, capbnd: str, args: list[str], spec: dict, spec_name: str) -> tuple[dict, list[str]]:
    (tmp_path / spec_name).write_text(json.dumps(spec))
    fake = tmp_path / "runc"
    fake.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/args"\n')
    fake.chmod(0o755)
    assert shutil_which("jq"), "jq is missing: the wrapper needs it (Debian package jq)"
    env = dict(os.environ, CIAB_CAPBND=capbnd, CIAB_REAL_RUNC=str(fake))
    subprocess.run([str(WRAPPER), *args], cwd=tmp_path, env=env, check=True)
    return json.loads((tmp_path / spec_name).read_text()), (tmp_path / "args").read_text().split()


CASES = [
    # id, bounding set, arguments (BUNDLE/PROCESS replaced), spec file, jq-like path, caps left, oom expected
    ("full-set-untouched", FULL, ["create", "--bundle", "BUNDLE", "c1"], "config.json", "process", CAPS, -998),
    ("short-create", NO_SYS_RESOURCE, ["--root", "/r", "create", "--bundle", "BUNDLE", "c1"], "config.json",
     "process", ["CAP_CHOWN", "CAP_NET_ADMIN"], max(-998, OWN_OOM)),
    ("short-run-equals-form", NO_SYS_RESOURCE, ["run", "--bundle=BUNDLE", "c1"], "config.json", "process",
     ["CAP_CHOWN", "CAP_NET_ADMIN"], max(-998, OWN_OOM)),
    ("short-exec-process-file", NO_SYS_RESOURCE, ["exec", "--process", "PROCESS", "--detach", "c1"], "process.json",
     "", ["CAP_CHOWN", "CAP_NET_ADMIN"], max(-998, OWN_OOM)),
]


@pytest.mark.parametrize("capbnd,args,spec_name,path,caps_left,oom", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_spec_is_adjusted(tmp_path, capbnd, args, spec_name, path, caps_left, oom):
    process = {"oomScoreAdj": -998, "capabilities": {k: list(CAPS) for k in ("bounding", "effective", "permitted")}}
    spec = {"process": process} if path else process
    args = [a.replace("BUNDLE", str(tmp_path)).replace("PROCESS", str(tmp_path / spec_name)) for a in args]
    edited, passed = run(tmp_path, capbnd, args, spec, spec_name)
    got = edited["process"] if path else edited
    assert passed == args, "runc must get exactly the caller's arguments"
    assert all(v == caps_left for v in got["capabilities"].values())
    assert got["oomScoreAdj"] == oom


def test_other_commands_pass_through(tmp_path):
    spec = {"process": {"oomScoreAdj": -998, "capabilities": {"bounding": list(CAPS)}}}
    edited, passed = run(tmp_path, NO_SYS_RESOURCE, ["state", "c1"], spec, "config.json")
    assert edited == spec and passed == ["state", "c1"]
