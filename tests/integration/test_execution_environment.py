"""The execution environment `make ee` builds (ansible-builder, on the offline base) runs the rollout: ansible-runner
starts it in the real engine as AWX does, one job slice per cluster, against two real test-bed clusters. The image
is built and pushed first by a job on this host, whose set_stats hand the references to the slices."""
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest
import yaml

from conftest import harness, playbook, write_inventory, REPO

pytestmark = pytest.mark.integration

NAMES = ["ee-1", "ee-2"]
GROUP_VARS = f"@{REPO}/tests/harness/group_vars/all.yml"


@pytest.fixture(scope="module")
def clusters(kubectl):
    kubeconfigs = harness("testbed.py", "up", *NAMES).splitlines()
    yield {name: {"kubeconfig": path, "context": yaml.safe_load(pathlib.Path(path).read_text())["current-context"]}
           for name, path in zip(NAMES, kubeconfigs)}
    harness("testbed.py", "down", *NAMES)


@pytest.fixture(scope="module")
def ee():
    rc, out = playbook("playbooks/ee.yml", "-e", GROUP_VARS)
    assert rc == 0, out[-4000:]
    ref = re.search(r"(ciab/ee:\S+) holds", out)
    assert ref, out[-2000:]
    return {"ref": ref.group(1), "out": out}


@pytest.fixture(scope="module")
def images(tmp_path_factory, clusters, registry):
    """The build job, on this host (it has the engine): builds, pushes, and hands the references on by set_stats."""
    hosts = write_inventory(tmp_path_factory.mktemp("ee-build") / "hosts.yml", clusters, registry)
    rc, out = playbook("playbooks/rollout.yml", "-i", str(hosts), "-e", GROUP_VARS, "--tags", "image",
                       env={"ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json", "ANSIBLE_SHOW_CUSTOM_STATS": "true"})
    assert rc == 0, out[-4000:]
    stats = json.JSONDecoder().raw_decode(out[out.index("{"):])[0]["global_custom_stats"]
    assert set(stats) == {"image_ref", "image_proxy_ref", "image_pushed_refs"}, stats
    return stats


def run_slice(tmp, ee_ref, clusters, registry, kubectl, images, name):
    """One job slice as AWX runs it: ansible-runner, the execution environment in the engine, the project's
    playbook, the slice's part of the inventory (here one cluster) and the build job's references as extra
    variables."""
    data = tmp / f"runner-{name}"
    for sub in ("project", "inventory", "env", "kubeconfigs"):
        (data / sub).mkdir(parents=True)
    # a kubeconfig with its certificates inline, where the container reads it (AWX's credential does the same)
    flat = subprocess.run([kubectl, "--kubeconfig", clusters[name]["kubeconfig"], "config", "view", "--flatten", "--minify"],
                          capture_output=True, text=True, check=True).stdout
    (data / "kubeconfigs" / name).write_text(flat)
    write_inventory(data / "inventory" / "hosts.yml",
                    {name: dict(clusters[name], kubeconfig=f"/runner/kubeconfigs/{name}")}, registry)
    (data / "project" / "rollout.yml").write_text(
        "- name: The collection's rollout\n  ansible.builtin.import_playbook: ciab.claude_in_a_box.rollout\n")
    (data / "env" / "extravars").write_text(json.dumps(dict(images, ciab_rollout_report="/runner/artifacts/report.json")))
    runner = pathlib.Path(sys.executable).parent / "ansible-runner"
    proc = subprocess.run(
        [str(runner), "run", str(data), "--playbook", "rollout.yml", "--ident", "slice",
         "--process-isolation", "--process-isolation-executable", "docker", "--container-image", ee_ref,
         # the test beds' API servers listen on this host's loopback
         "--container-option=--network=host"],
        capture_output=True, text=True, check=False, env=dict(os.environ, ANSIBLE_NOCOLOR="1"))
    command = json.loads((data / "artifacts" / "slice" / "command").read_text())
    report = data / "artifacts" / "report.json"
    return {"rc": proc.returncode, "out": proc.stdout + proc.stderr, "command": command["command"],
            "report": json.loads(report.read_text()) if report.exists() else None}


@pytest.fixture(scope="module")
def slices(tmp_path_factory, ee, clusters, registry, kubectl, images):
    tmp = tmp_path_factory.mktemp("ee-slices")
    return {name: run_slice(tmp, ee["ref"], clusters, registry, kubectl, images, name) for name in NAMES}


def test_the_execution_environment_holds_the_collection_and_helm(ee):
    out = subprocess.run(["docker", "run", "--rm", ee["ref"], "bash", "-c",
                          "ansible-galaxy collection list --format json; helm version --short"],
                         capture_output=True, text=True, check=True).stdout
    listed = json.loads(out[:out.rindex("}") + 1])
    names = {name for collections in listed.values() for name in collections}
    assert {"ciab.claude_in_a_box", "kubernetes.core", "community.docker"} <= names
    assert out.strip().splitlines()[-1].startswith("v3.")


def test_a_second_build_changes_nothing(ee):
    rc, out = playbook("playbooks/ee.yml", "-e", GROUP_VARS)
    assert rc == 0, out[-3000:]
    assert re.search(r"localhost\s+: ok=\d+\s+changed=0 ", out), out[-2000:]
    assert f"{ee['ref']} holds" in out


@pytest.mark.parametrize("name", NAMES)
def test_each_slice_rolls_out_its_cluster_inside_the_execution_environment(
        slices, name, clusters, kubectl, images, registry, ee):
    run = slices[name]
    assert run["rc"] == 0, run["out"][-4000:]
    # ansible-runner started the playbook in the EE, in the engine
    assert run["command"][0] == "docker" and ee["ref"] in run["command"], run["command"]
    # only this slice's cluster, and it rolled out
    assert [(r["cluster"], r["result"]) for r in run["report"]["clusters"]] == [(name, "ok")]
    assert "image_pushed_refs is given" in run["out"]
    pushed = images["image_pushed_refs"][f"{images['image_ref']}|{registry}/ciab"]
    image = subprocess.run([kubectl, "--kubeconfig", clusters[name]["kubeconfig"], "get", "statefulset", "claude-agent", "-n",
                            "claude", "-o", "jsonpath={.spec.template.spec.containers[0].image}"],
                           capture_output=True, text=True, check=True).stdout
    assert image == pushed and "@sha256:" in pushed
