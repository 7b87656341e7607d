"""A KIND node of the offline node image, checked from the inside with pytest-testinfra (the Molecule default scenario
runs it against its control plane: `pytest --hosts=docker://<cluster>-control-plane tests/testinfra/test_node.py`).
Services, binaries and their versions, the runtime wrapper, sockets and the preloaded images; what is about the
cluster (pods, policies, the agent) stays in the scenario's Ansible verify."""
import json
import pathlib
import re

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
COMPONENTS = yaml.safe_load((REPO / "roles" / "kind_node_image" / "files" / "components.yml").read_text())
TOOLS = {t["name"]: t for t in yaml.safe_load((REPO / "files" / "tools.yml").read_text())["tools"]}


def version(target):
    """The version the node image was built with, as components.yml names it ("tools": the toolkit's version)."""
    entry = next(c for c in COMPONENTS if c["target"] == target)
    if entry["version"] != "tools":
        return entry["version"]
    return TOOLS["crictl" if target == "crictl" else "kubectl"]["version"]


def test_systemd_runs_the_node(host):
    assert host.process.get(pid=1).comm == "systemd"
    for unit in ("containerd", "kubelet"):
        assert host.service(unit).is_running, unit


@pytest.mark.parametrize("binary, argv, expect", [
    ("kubelet", "kubelet --version", "Kubernetes v{kubernetes-node}"),
    ("kubeadm", "kubeadm version -o short", "v{kubernetes-node}"),
    ("kubectl", "kubectl version --client", "Client Version: v{kubernetes}"),
    ("crictl", "crictl --version", "crictl version v{crictl}"),
])
def test_each_binary_is_the_version_components_yml_names(host, binary, argv, expect):
    wanted = expect.format(**{t: version(t) for t in ("kubernetes", "kubernetes-node", "crictl")})
    out = host.check_output(argv)
    assert wanted in out, f"{binary}: {out!r}, wanted {wanted!r}"


def test_containerd_runs_pods_through_the_capability_filter(host):
    wrapper = host.file("/usr/local/sbin/runc-capfilter")
    assert wrapper.is_file and wrapper.user == "root" and wrapper.mode == 0o755
    assert host.socket("unix:///run/containerd/containerd.sock").is_listening
    # the running containerd's own view of its CRI runtime (not just the file on disk)
    info = json.loads(host.check_output("crictl info -o json"))
    runc = info["config"]["containerd"]["runtimes"]["runc"]
    assert runc["options"]["BinaryName"] == "/usr/local/sbin/runc-capfilter", runc


def test_the_control_plane_listens_and_runs_its_static_pods(host):
    assert host.socket("tcp://0.0.0.0:6443").is_listening or host.socket("tcp://:::6443").is_listening
    assert host.socket("tcp://127.0.0.1:2379").is_listening
    running = {c["metadata"]["name"] for c in json.loads(host.check_output("crictl ps --state Running -o json"))["containers"]}
    assert {"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"} <= running, running


def test_the_node_manifests_were_filled_in(host):
    for manifest in ("/kind/manifests/default-cni.yaml", "/kind/manifests/default-storage.yaml"):
        content = host.file(manifest).content_string
        assert content and not re.search(r"@[A-Z_]+@", content), manifest


def test_the_component_images_are_preloaded_at_their_versions(host):
    images = host.check_output("crictl images -o json")
    wanted = {f"kube-apiserver:v{version('kubernetes')}", f"etcd:{version('etcd')}", f"coredns:v{version('coredns')}"}
    for image in wanted:
        assert image in images, f"{image} not among the node's images"


def test_containerd_looks_in_the_local_registry_first(host):
    """The kind_cluster role's local registry: containerd reads the hosts directory, and docker.io images (the
    agent's, ciab/...) are looked up first in the registry's read-only side on the kind network."""
    dump = host.check_output("containerd config dump")
    # containerd 1.x writes the path in double quotes, 2.x in single ones
    assert re.search(r"""config_path = ["']/etc/containerd/certs.d["']""", dump), dump
    hosts = host.file("/etc/containerd/certs.d/docker.io/hosts.toml")
    assert hosts.exists
    # the registry's read-only side: the one that takes pushes is not on the kind network
    assert '[host."http://ciab-registry-pull:5000"]' in hosts.content_string
    assert 'capabilities = ["pull", "resolve"]' in hosts.content_string
