"""The connection is the play's: a role run from a play that gives its modules no connection, while ciab_kubeconfig
names a cluster, is refused before it reads or changes anything (its modules would go to ~/.kube/config's current
context); the same play with the README's module_defaults goes on. A real test bed, a temporary HOME."""
import pytest

from conftest import REPO, playbook

pytestmark = pytest.mark.integration

PLAY = str(REPO / "tests" / "integration" / "playbooks" / "connection.yml")


def run(kubeconfig, connect, home, *extra, default_kubeconfig=""):
    # an empty HOME: no ~/.kube/config to fall back on, whatever the machine has (KUBECONFIG names the default)
    return playbook(PLAY, "-e", f"ciab_kubeconfig={kubeconfig}", "-e", f"connect={connect}", *extra,
                    env={"HOME": str(home), "K8S_AUTH_KUBECONFIG": "", "KUBECONFIG": default_kubeconfig})


def test_a_play_without_the_connection_is_refused(fleet_clusters, tmp_path):
    rc, out = run(fleet_clusters["fleet-1"]["kubeconfig"], "false", tmp_path)
    said = " ".join(out.split())
    assert rc != 0 and "the modules of this play do not reach the cluster of kubeconfig" in said, out
    assert "module_defaults for group/ciab.claude_in_a_box.k8s" in said
    assert "Read the StatefulSet" not in out  # nothing was read


def test_the_same_play_with_the_connection_goes_on(fleet_clusters, tmp_path):
    rc, out = run(fleet_clusters["fleet-1"]["kubeconfig"], "true", tmp_path)
    assert rc == 0, out
    assert "agent claude-agent in claude" in " ".join(out.split()), out


def test_a_play_that_picks_its_own_cluster_where_none_is_named_is_refused(fleet_clusters, tmp_path):
    # ciab_kubeconfig names none, so the default kubeconfig's cluster (fleet-2) is meant; the play sends its modules
    # to a cluster of its own (fleet-1): the check's one read shows another connection, the second tells them apart
    rc, out = run("", "false", tmp_path, "-e", f"play_kubeconfig={fleet_clusters['fleet-1']['kubeconfig']}",
                  default_kubeconfig=fleet_clusters["fleet-2"]["kubeconfig"])
    said = " ".join(out.split())
    assert rc != 0 and "do not reach the cluster of kubeconfig '(default)'" in said, out
    assert "they reach another cluster" in said
    assert "Read the StatefulSet" not in out
