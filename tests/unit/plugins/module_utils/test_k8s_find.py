"""k8s_find: its input checks, and results shaped as the rbac role's registered k8s_info loop was, which rbac_stale
reads (a change of shape would make the role find nothing stale, and leave access in place)."""
import hashlib

import pytest

from ansible_collections.ciab.claude_in_a_box.plugins.filter.rbac_stale import rbac_stale
from ansible_collections.ciab.claude_in_a_box.plugins.module_utils._k8s_find import check_kinds, connection_id, find_all

KINDS = [{"api": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding"},
         {"api": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding"},
         {"api": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy"}]


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


def fake_cluster(objects, served=("ClusterRoleBinding", "RoleBinding", "ValidatingAdmissionPolicy")):
    calls = []

    def find(kind, api_version, namespace=None, label_selectors=None):
        calls.append((kind, api_version, namespace, tuple(label_selectors)))
        if kind not in served:
            return {"resources": [], "api_found": False, "msg": "not served"}
        return {"resources": [o for o in objects if o["kind"] == kind], "api_found": True}
    return find, calls


def obj(kind, name, namespace=None, agent_namespace="claude"):
    meta = {"name": name, "labels": {"ciab.io/agent-namespace": agent_namespace}}
    if namespace:
        meta["namespace"] = namespace
    return {"kind": kind, "metadata": meta}


def test_results_keep_the_order_and_the_selector():
    find, calls = fake_cluster([])
    results = find_all(find, KINDS, None, ["app.kubernetes.io/instance=claude-agent"])
    assert [r["item"] for r in results] == KINDS
    assert calls == [(k["kind"], k["api"], None, ("app.kubernetes.io/instance=claude-agent",)) for k in KINDS]


def test_rbac_stale_reads_them_as_it_read_the_k8s_info_loop():
    objects = [obj("ClusterRoleBinding", "claude-agent-claude-operator"), obj("RoleBinding", "op", "my-app"),
               obj("ClusterRoleBinding", "claude-agent-claude-reader"),
               obj("RoleBinding", "theirs", "my-app", agent_namespace="other")]
    find, dummy = fake_cluster(objects)
    stale = rbac_stale(find_all(find, KINDS, None, []), ["ClusterRoleBinding//claude-agent-claude-reader"], "claude")
    assert [(s["kind"], s["name"], s["namespace"]) for s in stale] == [
        ("ClusterRoleBinding", "claude-agent-claude-operator", ""), ("RoleBinding", "op", "my-app")]


def test_a_kind_the_cluster_does_not_serve_gives_no_objects():
    find, dummy = fake_cluster([obj("ValidatingAdmissionPolicy", "guard")], served=("ClusterRoleBinding",))
    results = find_all(find, KINDS, None, [])
    assert [(r["resources"], r["api_found"]) for r in results][1:] == [([], False), ([], False)]


@pytest.mark.parametrize("kubeconfig, context, expected", [
    ("/root/.kube/config", "kind-a", {"kubeconfig_sha256": hashlib.sha256(b"/root/.kube/config").hexdigest(), "context": "kind-a"}),
    (None, None, {"kubeconfig_sha256": None, "context": None}),
    ("", "", {"kubeconfig_sha256": None, "context": None}),
    ({"apiVersion": "v1", "users": [{"user": {"token": "secret"}}]}, "x", {"kubeconfig_sha256": "inline", "context": "x"}),
])
def test_the_connection_is_named_without_the_kubeconfig(kubeconfig, context, expected):
    assert connection_id(kubeconfig, context) == expected
    assert "secret" not in repr(connection_id(kubeconfig, context))
