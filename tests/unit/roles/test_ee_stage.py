"""stage.py stages the execution environment's collections: the roots and all they depend on, transitively, copied
from where they are installed (the files present of those FILES.json lists); a re-run with nothing changed changes
nothing, and a changed collection changes the digest the image's tag comes from."""
import json
import pathlib
import subprocess
import sys

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[3] / "roles" / "execution_environment" / "files" / "stage.py"


def installed(root, name, version="1.0.0", deps=None, files=None):
    """A collection as ansible-galaxy installs it: MANIFEST.json, FILES.json and the files."""
    path = root / name.replace(".", "/")
    path.mkdir(parents=True)
    files = files or {"plugins/modules/x.py": "print(1)\n"}
    entries = [{"name": ".", "ftype": "dir"}]
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
        entries.append({"name": rel, "ftype": "file", "chksum_sha256": str(hash(text))})
    namespace, short = name.split(".")
    (path / "MANIFEST.json").write_text(json.dumps({"collection_info": {
        "namespace": namespace, "name": short, "version": version, "dependencies": deps or {}}}))
    (path / "FILES.json").write_text(json.dumps({"files": entries}))
    return str(path)


def stage(tmp_path, roots, available):
    helm = tmp_path / "helm-bin"
    helm.write_text("#!/bin/sh\n")
    args = {"dir": str(tmp_path / "stage"), "ansible_galaxy": "ansible-galaxy", "roots": roots,
            "installed": available, "helm": str(helm), "ca_file": ""}
    proc = subprocess.run([sys.executable, str(SCRIPT)], input=json.dumps(args), capture_output=True, text=True,
                          check=False)
    return proc.returncode, json.loads(proc.stdout) if proc.returncode == 0 else proc.stderr


@pytest.mark.parametrize("deps, expected", [
    ({"a.one": {}}, ["a.one"]),
    ({"a.one": {"b.two": ">=1"}, "b.two": {}}, ["a.one", "b.two"]),
    ({"a.one": {"b.two": ">=1"}, "b.two": {"c.three": "*"}, "c.three": {}, "d.unused": {}}, ["a.one", "b.two", "c.three"]),
    ({"a.one": {"b.two": ">=1"}, "b.two": {"a.one": "*"}}, ["a.one", "b.two"]),
])
def test_stages_the_roots_and_what_they_need_transitively(tmp_path, deps, expected):
    available = {name: installed(tmp_path / "site", name, deps=needs) for name, needs in deps.items()}
    rc, out = stage(tmp_path, ["a.one"], available)
    assert rc == 0, out
    assert sorted(out["collections"]) == expected
    assert all(c["type"] == "dir" for c in out["collections"].values())


def test_a_dependency_not_installed_is_named(tmp_path):
    available = {"a.one": installed(tmp_path / "site", "a.one", deps={"b.missing": "*"})}
    rc, err = stage(tmp_path, ["a.one"], available)
    assert rc != 0 and "no collection b.missing" in err


def test_files_listed_but_absent_are_left_out(tmp_path):
    path = installed(tmp_path / "site", "a.one", files={"keep.txt": "k", "gone.txt": "g"})
    pathlib.Path(path, "gone.txt").unlink()  # the ansible package leaves some listed files out
    rc, out = stage(tmp_path, ["a.one"], {"a.one": path})
    assert rc == 0, out
    copied = tmp_path / "stage" / out["collections"]["a.one"]["path"]
    assert (copied / "keep.txt").read_text() == "k" and not (copied / "gone.txt").exists()


def test_a_rerun_changes_nothing_and_a_new_version_changes_the_digest(tmp_path):
    available = {"a.one": installed(tmp_path / "site", "a.one")}
    rc, first = stage(tmp_path, ["a.one"], available)
    rc2, second = stage(tmp_path, ["a.one"], available)
    assert (rc, rc2) == (0, 0)
    assert first["changed"] and not second["changed"]
    assert first["digest"] == second["digest"]
    newer = {"a.one": installed(tmp_path / "site2", "a.one", version="1.1.0")}
    rc3, third = stage(tmp_path, ["a.one"], newer)
    assert rc3 == 0 and third["changed"] and third["digest"] != first["digest"]
    assert third["collections"]["a.one"]["path"] == "collections/a-one-1.1.0"
    assert sorted(p.name for p in (tmp_path / "stage" / "collections").iterdir()) == ["a-one-1.1.0"]
