"""The KIND node image's components are one list (roles/kind_node_image/files/components.yml): build.sh reads its
binaries with sed, the harness with YAML; both must see the same names, and every version must be one gobuild
compiles."""
from __future__ import annotations

import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
FILES = ROOT / "roles" / "kind_node_image" / "files"
sys.path.insert(0, str(ROOT / "tests" / "harness"))

import gobuild  # noqa: E402
import node_components  # noqa: E402


def build_sh_required(components: pathlib.Path) -> list[str]:
    """The REQUIRED array build.sh makes, by running its own line against the file."""
    script = (FILES / "build.sh").read_text()
    line = next(x for x in script.splitlines() if x.startswith("mapfile -t REQUIRED"))
    out = subprocess.run(["bash", "-c", f'HERE={components.parent}; {line}; printf "%s\\n" "${{REQUIRED[@]}}"'],
                         capture_output=True, text=True, check=True).stdout
    return out.split()


def test_build_sh_and_the_harness_read_the_same_binaries():
    listed = [b for c in yaml.safe_load((FILES / "components.yml").read_text()) for b in c["binaries"]]
    assert build_sh_required(FILES / "components.yml") == listed
    assert [b for names in node_components.PARTS.values() for b in names] == listed
    assert {"kubeadm", "kubelet", "kube-apiserver", "etcd", "coredns", "kube-router"} <= set(listed)


def test_every_component_is_a_gobuild_target_with_its_version():
    for component in gobuild.node_components():
        assert component["target"] in gobuild.TARGETS, component
        if component["version"] != "tools":
            assert gobuild.harness_version(component["target"].replace("-", "_")) == str(component["version"])
