import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ciab.claude_in_a_box.plugins.filter.fleet import (
    fleet_duplicates, fleet_gate, fleet_push_targets, registry_manifest_url)

OK, FAILED, SKIPPED = {"result": "ok"}, {"result": "failed"}, {"result": "skipped"}


@pytest.mark.parametrize("done, percentage, closed", [
    ([], 0, False),                      # nothing done: the canary goes
    ([OK], 0, False),                    # the canary rolled out
    ([FAILED], 0, True),                 # the canary failed: nobody else goes
    ([FAILED], 100, False),              # failures never stop the rest
    ([OK, FAILED], 50, False),           # exactly at the limit
    ([OK, OK, FAILED], 30, True),        # above it
    ([OK, SKIPPED], 0, False),
])
def test_fleet_gate(done, percentage, closed):
    assert fleet_gate(done, percentage) is closed


def test_fleet_duplicates_name_each_group_in_order():
    entries = [{"host": "a", "kubeconfig": "k", "context": "c"}, {"host": "b", "kubeconfig": "k", "context": "c"},
               {"host": "c", "kubeconfig": "k", "context": "c", "namespace": "other"},
               {"host": "d", "kubeconfig": "k", "context": "c", "namespace": "claude"}]
    assert fleet_duplicates(entries) == [{"key": "k|c|claude", "hosts": ["a", "b", "d"]}]
    assert fleet_duplicates(entries[:1] + entries[2:3]) == []


def test_fleet_push_targets_once_per_registry_and_image():
    hosts = [{"ciab_image_delivery": "registry", "ciab_registry": "r1/ciab"}, {"ciab_image_delivery": "kind_load"},
             {"ciab_image_delivery": "registry", "ciab_registry": "r1/ciab"},
             {"ciab_image_delivery": "registry", "ciab_registry": "r2"}]
    assert fleet_push_targets(hosts, ["agent:1", "proxy:1", ""]) == [
        ["r1/ciab", "agent:1"], ["r1/ciab", "proxy:1"], ["r2", "agent:1"], ["r2", "proxy:1"]]


@pytest.mark.parametrize("registry, ref, url", [
    ("127.0.0.1:5055/ciab", "ciab/claude-in-a-box:0.1.0-abc", "http://127.0.0.1:5055/v2/ciab/claude-in-a-box/manifests/0.1.0-abc"),
    ("registry.example.com/platform/tools", "ciab/egress-proxy:1", "https://registry.example.com/v2/platform/tools/egress-proxy/manifests/1"),
    ("localhost:5000", "x:2", "http://localhost:5000/v2/x/manifests/2"),
])
def test_registry_manifest_url(registry, ref, url):
    assert registry_manifest_url(registry, ref) == url


def test_registry_manifest_url_needs_a_tag():
    with pytest.raises(AnsibleFilterError, match="has no tag"):
        registry_manifest_url("r", "ciab/claude-in-a-box")
