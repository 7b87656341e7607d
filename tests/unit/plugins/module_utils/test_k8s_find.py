"""k8s_find's input checks: each kind names an apiVersion and a kind, nothing else."""
import pytest

from ansible_collections.ciab.claude_in_a_box.plugins.module_utils._k8s_find import check_kinds


@pytest.mark.parametrize("kinds, fragment", [
    ([{"api": "v1", "kind": "ConfigMap"}], ""),
    ([{"api": "rbac.authorization.k8s.io/v1", "kind": "Role"}, {"api": "v1", "kind": "Secret"}], ""),
    ([], "kinds is empty"),
    (["Role"], "kinds[0] is 'Role'"),
    ([{"api": "v1"}], "kinds[0] needs kind"),
    ([{"api": "v1", "kind": "Role"}, {"kind": "Role"}], "kinds[1] needs api"),
    ([{"api": " ", "kind": "Role"}], "kinds[0] needs api"),
    ([{"api": "v1", "kind": "Role", "name": "x"}], "kinds[0] has name"),
])
def test_check_kinds(kinds, fragment):
    problem = check_kinds(kinds)
    assert (problem == "") if not fragment else (fragment in problem)
