"""write-context.py writes an image's build context in one step: only what differs, stale files removed, modes set."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[3] / "roles" / "image" / "files" / "write-context.py"


def write(target, files):
    proc = subprocess.run([sys.executable, str(SCRIPT), str(target)], input=json.dumps(files), capture_output=True,
                          text=True, check=False)
    return proc.returncode, proc.stdout.split(), proc.stderr


def test_writes_then_leaves_alone(tmp_path):
    files = {"Dockerfile": "FROM scratch\n", "entrypoint.sh": "#!/bin/sh\n", "broker.py": "print(1)\n"}
    assert write(tmp_path / "ctx", files)[:2] == (0, sorted(files))
    assert write(tmp_path / "ctx", files)[:2] == (0, [])
    assert (tmp_path / "ctx" / "Dockerfile").read_text() == "FROM scratch\n"
    modes = {name: os.stat(tmp_path / "ctx" / name).st_mode & 0o777 for name in files}
    assert modes == {"Dockerfile": 0o644, "entrypoint.sh": 0o755, "broker.py": 0o755}


@pytest.mark.parametrize("change, touched", [
    ({"Dockerfile": "FROM other\n"}, ["Dockerfile"]),
    ({"new.txt": "x"}, ["new.txt"]),
    ({"Dockerfile": None}, ["Dockerfile"]),
])
def test_only_what_changed(tmp_path, change, touched):
    files = {"Dockerfile": "FROM scratch\n", "a.sh": "true\n"}
    write(tmp_path, files)
    changed = dict(files)
    for name, content in change.items():
        if content is None:
            del changed[name]
        else:
            changed[name] = content
    assert write(tmp_path, changed)[:2] == (0, touched)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".written") == sorted(changed)


def test_leaves_alone_what_it_did_not_write(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    assert write(tmp_path, {"Dockerfile": "FROM scratch\n"})[:2] == (0, ["Dockerfile"])
    assert write(tmp_path, {"a.sh": "true\n"})[:2] == (0, ["Dockerfile", "a.sh"])
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_restores_a_mode(tmp_path):
    write(tmp_path, {"a.sh": "true\n"})
    os.chmod(tmp_path / "a.sh", 0o600)
    assert write(tmp_path, {"a.sh": "true\n"})[:2] == (0, ["a.sh"])
    assert os.stat(tmp_path / "a.sh").st_mode & 0o777 == 0o755


@pytest.mark.parametrize("name", ["../escape", "sub/file", ".hidden"])
def test_refuses_a_name_outside_the_directory(tmp_path, name):
    rc, dummy, err = write(tmp_path / "ctx", {name: "x"})
    assert rc != 0 and "refusing" in err
    assert not (tmp_path / "escape").exists()
