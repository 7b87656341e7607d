"""image_values splits an image reference into the chart's image values."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ciab.claude_in_a_box.plugins.filter.image_values import image_values

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize("ref, expected", [
    ("ciab/claude-in-a-box:0.1.0-abc", ("ciab/claude-in-a-box", "0.1.0-abc", "")),
    ("localhost:5000/ciab/claude-in-a-box:1", ("localhost:5000/ciab/claude-in-a-box", "1", "")),
    ("localhost:5000/ciab/claude-in-a-box", ("localhost:5000/ciab/claude-in-a-box", "", "")),
    ("localhost:5000/ciab/claude-in-a-box@" + DIGEST, ("localhost:5000/ciab/claude-in-a-box", "", DIGEST)),
    ("reg.example/ciab:2@" + DIGEST, ("reg.example/ciab", "", DIGEST)),
])
def test_splits(ref, expected):
    assert tuple(image_values(ref)[k] for k in ("repository", "tag", "digest")) == expected


@pytest.mark.parametrize("ref", ["", None, "a b:1", ":tag", "repo:1\nname: x"])
def test_refuses(ref):
    with pytest.raises(AnsibleFilterError):
        image_values(ref)
