"""chart_objects keeps the objects of the templates asked for, by helm's Source lines."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ciab.claude_in_a_box.plugins.filter.chart_objects import chart_objects

RENDERED = """---
# Source: claude-in-a-box/templates/networkpolicy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: a
---
# Source: claude-in-a-box/templates/rbac.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: a-claude-reader
  labels: {note: "--- not a separator"}
---
# Source: claude-in-a-box/templates/rbac.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: a-claude-reader
"""


@pytest.mark.parametrize("templates, kinds", [
    (["templates/rbac.yaml"], ["ClusterRole", "ClusterRoleBinding"]),
    (["templates/networkpolicy.yaml", "templates/rbac.yaml"], ["NetworkPolicy", "ClusterRole", "ClusterRoleBinding"]),
    (["templates/admissionpolicy.yaml"], []),
    ([], []),
])
def test_keeps_the_templates_asked_for(templates, kinds):
    assert [o["kind"] for o in chart_objects(RENDERED, templates)] == kinds


def test_a_lookalike_path_is_not_a_match():
    assert chart_objects(RENDERED.replace("templates/rbac.yaml", "templates/rbac.yaml.bak"), ["templates/rbac.yaml"]) == []


@pytest.mark.parametrize("doc", ["kind: [unclosed", "just a string"])
def test_refuses_what_is_not_an_object(doc):
    with pytest.raises(AnsibleFilterError):
        chart_objects("---\n# Source: c/templates/x.yaml\n" + doc + "\n", ["templates/x.yaml"])
