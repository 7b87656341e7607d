"""playbooks/rollout.yml across three real test-bed clusters, a real registry on loopback and one cluster
that does not answer."""
import json

import pytest
import subprocess
import yaml

from conftest import playbook, recap, write_inventory, REPO

pytestmark = pytest.mark.integration


def unreachable_host(tmp_path):
    kubeconfig = tmp_path / "gone.kubeconfig"
    kubeconfig.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "gone",
        "clusters": [{"name": "gone", "cluster": {"server": "https://127.0.0.1:1", "insecure-skip-tls-verify": True}}],
        "contexts": [{"name": "gone", "context": {"cluster": "gone", "user": "gone"}}],
        "users": [{"name": "gone", "user": {"token": "x"}}]}))
    return {"gone": {"ciab_kubeconfig": str(kubeconfig), "ciab_context": "gone"}}


def rollout(inventory, *extra):
    return playbook("playbooks/rollout.yml", "-i", str(inventory), "-e", f"@{REPO}/tests/harness/group_vars/all.yml",
                    "--forks", "6", *extra)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, fleet_clusters, registry):
    tmp = tmp_path_factory.mktemp("fleet")
    inventory = write_inventory(tmp / "fleet.yml", fleet_clusters, registry, extra_hosts=unreachable_host(tmp))
    report = tmp / "report.json"
    rc, out = rollout(inventory, "-e", f"ciab_rollout_report={report}")
    return {"rc": rc, "out": out, "report": json.loads(report.read_text()) if report.exists() else None,
            "inventory": inventory, "tmp": tmp}


def test_three_roll_out_one_is_reported_and_the_run_fails(first_run):
    assert first_run["rc"] != 0, first_run["out"][-3000:]
    rows = {r["cluster"]: r for r in first_run["report"]["clusters"]}
    assert {n: rows[n]["result"] for n in rows} == {"fleet-1": "ok", "fleet-2": "ok", "fleet-3": "ok", "gone": "failed"}
    assert "cannot reach the cluster" in rows["gone"]["message"]
    assert "1 of 4 clusters did not roll out: gone" in first_run["out"]
    for name in ("fleet-1", "fleet-2", "fleet-3"):
        assert rows[name]["ready"] == "ready"
        assert rows[name]["tier"] == "reader"
        assert "/ciab/claude-in-a-box@sha256:" in rows[name]["image"]


def test_summary_table_is_printed(first_run):
    assert "cluster          context" in first_run["out"]
    assert "FAILED" in first_run["out"] and "OK" in first_run["out"]


def test_pods_run_the_pushed_digest(first_run, fleet_clusters, kubectl):
    image = next(r["image"] for r in first_run["report"]["clusters"] if r["cluster"] == "fleet-1")
    for cluster in fleet_clusters.values():
        got = subprocess.run([kubectl, "--kubeconfig", cluster["kubeconfig"], "get", "statefulset", "claude-agent", "-n",
                              "claude", "-o", "jsonpath={.spec.template.spec.containers[0].image}"],
                             capture_output=True, text=True, check=True).stdout
        assert got == image


def test_second_run_changes_nothing(first_run):
    rc, out = rollout(first_run["inventory"])
    changed = recap(out)
    assert rc != 0  # the unreachable cluster still fails the run
    assert {h: changed[h] for h in ("fleet-1", "fleet-2", "fleet-3")} == {"fleet-1": 0, "fleet-2": 0, "fleet-3": 0}, out[-3000:]


def test_changing_one_tier_changes_only_that_cluster(first_run, fleet_clusters, registry):
    inventory = write_inventory(first_run["tmp"] / "tier.yml", fleet_clusters, registry,
                                overrides={"fleet-2": {"ciab_tier": "operator", "ciab_operator_namespaces": ["default"]}})
    rc, out = rollout(inventory)
    changed = recap(out)
    assert rc == 0, out[-3000:]
    assert changed["fleet-2"] > 0 and changed["fleet-1"] == 0 and changed["fleet-3"] == 0, changed
    rc, out = rollout(write_inventory(first_run["tmp"] / "back.yml", fleet_clusters, registry))
    assert rc == 0, out[-3000:]


@pytest.mark.parametrize("override,message", [
    ({"ciab_context": ""}, "host fleet-2: ciab_context is missing"),
    ({"ciab_tier": "admin"}, "host fleet-2: value of ciab_tier must be one of: reader, operator, got: admin"),
    ({"ciab_image_delivery": "ftp"}, "host fleet-2: value of ciab_image_delivery must be one of: kind_load, registry, got: ftp"),
    ({"ciab_tier": "operator"}, "host fleet-2: ciab_tier operator needs ciab_operator_namespaces"),
    ({"ciab_kubeconfig": "SAME", "ciab_context": "SAME"}, "hosts fleet-1, fleet-2 and fleet-3 point at the same cluster and namespace"),
])
def test_bad_inventory_fails_before_any_change(tmp_path, fleet_clusters, registry, override, message):
    overrides = {"fleet-2": dict(override)}
    if override.get("ciab_kubeconfig") == "SAME":
        same = {"ciab_kubeconfig": fleet_clusters["fleet-1"]["kubeconfig"], "ciab_context": fleet_clusters["fleet-1"]["context"]}
        overrides = {"fleet-2": same, "fleet-3": same}
    inventory = write_inventory(tmp_path / "bad.yml", fleet_clusters, registry, overrides=overrides)
    rc, out = rollout(inventory)
    assert rc != 0
    assert message in " ".join(out.split()), out[-2000:]
    assert "PLAY [Roll out to the clusters]" not in out
    assert "PLAY [Build the image once" not in out


def gate_run(tmp_path, fleet_clusters, registry, extra_hosts):
    inventory = write_inventory(tmp_path / "gate.yml", fleet_clusters, registry, extra_hosts=extra_hosts)
    report = tmp_path / "report.json"
    rc, out = rollout(inventory, "-e", "ciab_rollout_canary=1", "-e", "ciab_rollout_max_fail_percentage=0",
                      "-e", f"ciab_rollout_report={report}")
    rows = {r["cluster"]: r for r in json.loads(report.read_text())["clusters"]} if report.exists() else {}
    return rc, out, rows


def test_a_failed_canary_closes_the_gate_and_no_other_cluster_is_touched(first_run, tmp_path, fleet_clusters, registry):
    # hosts go in name order: the unreachable one is the canary here
    canary = {"canary-gone": unreachable_host(tmp_path)["gone"]}
    rc, out, rows = gate_run(tmp_path, fleet_clusters, registry, canary)
    assert rc != 0, out[-3000:]
    assert rows["canary-gone"]["result"] == "failed"
    assert {n: rows[n]["result"] for n in fleet_clusters} == {n: "skipped" for n in fleet_clusters}, out[-3000:]
    assert all("not rolled out" in rows[n]["message"] for n in fleet_clusters)
    assert {h: c for h, c in recap(out).items() if h in fleet_clusters} == {n: 0 for n in fleet_clusters}


def test_a_canary_that_rolls_out_opens_the_gate(first_run, tmp_path, fleet_clusters, registry):
    # the control: fleet-1 is the canary and succeeds, so the next batch goes (the unreachable one fails in it)
    rc, out, rows = gate_run(tmp_path, fleet_clusters, registry, unreachable_host(tmp_path))
    assert rc != 0, out[-3000:]
    assert {n: rows[n]["result"] for n in rows} == {"fleet-1": "ok", "fleet-2": "ok", "fleet-3": "ok", "gone": "failed"}
