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
