"""Fixtures for integration tests against the real test bed (tests/harness): no mocks, real API servers."""
import os
import pathlib
import subprocess
import sys

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
HARNESS = REPO / "tests" / "harness"


def harness(*args):
    proc = subprocess.run([sys.executable, str(HARNESS / args[0]), *args[1:]], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        pytest.fail(f"harness {' '.join(args)} failed: {proc.stderr[-2000:]}")
    return proc.stdout.strip()


def playbook(*args, env=None):
    """Run ansible-playbook from the repository; return (rc, output)."""
    full_env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_FORCE_COLOR="0",
                    ANSIBLE_NOCOLOR="1", **(env or {}))
    proc = subprocess.run([str(pathlib.Path(sys.executable).parent / "ansible-playbook"), *args], cwd=REPO,
                          env=full_env, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def recap(output):
    """host -> changed count, from the PLAY RECAP."""
    counts = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[1] == ":" and any(p.startswith("changed=") for p in parts):
            counts[parts[0]] = int(next(p for p in parts if p.startswith("changed=")).split("=")[1])
    return counts


def write_inventory(path, clusters, registry, overrides=None, extra_hosts=None):
    """A fleet inventory: one host per cluster ({name: {kubeconfig, context}}), registry delivery to registry."""
    hosts = {}
    for name, c in clusters.items():
        hosts[name] = {"ciab_kubeconfig": c["kubeconfig"], "ciab_context": c["context"]}
        hosts[name].update((overrides or {}).get(name, {}))
    hosts.update(extra_hosts or {})
    inventory = {"clusters": {"vars": {
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "ciab_namespace": "claude", "ciab_tier": "reader", "ciab_image_delivery": "registry",
        "ciab_registry": f"{registry}/ciab",
        # test-bed nodes are simulated: no pod runs the NetworkPolicy probe
        "network_policy_probe": False}, "hosts": hosts}}
    path.write_text(yaml.safe_dump(inventory))
    return path


@pytest.fixture(scope="session")
def fleet_clusters():
    names = ["fleet-1", "fleet-2", "fleet-3"]
    out = harness("testbed.py", "up", *names).splitlines()
    clusters = {}
    for name, kubeconfig in zip(names, out):
        context = yaml.safe_load(pathlib.Path(kubeconfig).read_text())["current-context"]
        clusters[name] = {"kubeconfig": kubeconfig, "context": context}
    yield clusters
    # a test stops what it starts: the control planes listen on ports of this machine
    harness("testbed.py", "down", *names)


@pytest.fixture(scope="session")
def registry():
    yield harness("registry.py", "up")
    harness("registry.py", "down")


@pytest.fixture(scope="session")
def kubectl():
    return harness("testbed.py", "bin", "kubectl")
