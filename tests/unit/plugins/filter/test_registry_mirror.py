"""registry_mirror: the host a KIND node mirrors and the local path an image is pushed to, so it keeps its name."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ciab.claude_in_a_box.plugins.filter.registry_mirror import registry_mirror

LOCAL = "127.0.0.1:5001"


@pytest.mark.parametrize("ref, upstream, registry", [
    ("ciab/claude-in-a-box:0.1.0-abc", "docker.io", LOCAL + "/ciab"),
    ("busybox:1.36", "docker.io", LOCAL + "/library"),
    ("team/sub/app:1", "docker.io", LOCAL + "/team/sub"),
    ("registry.example.com/team/app:2", "registry.example.com", LOCAL + "/team"),
    ("registry.example.com/app:2", "registry.example.com", LOCAL),
    ("localhost/app:3", "localhost", LOCAL),
    ("host:5000/ciab/egress-proxy:0.1.0-x", "host:5000", LOCAL + "/ciab"),
])
def test_mirror(ref, upstream, registry):
    assert registry_mirror(ref, LOCAL) == {"upstream": upstream, "registry": registry}


@pytest.mark.parametrize("ref, local", [
    ("", LOCAL), (None, LOCAL), ("ciab/app", LOCAL), ("ciab/app:1@sha256:" + "a" * 64, LOCAL),
    ("a b:1", LOCAL), ("ciab//app:1", LOCAL), ("ciab/app:1", ""), ("ciab/app:1", "127.0.0.1:5001/x"),
])
def test_refuses(ref, local):
    with pytest.raises(AnsibleFilterError):
        registry_mirror(ref, local)
