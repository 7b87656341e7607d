"""rbac_stale: what an instance made that it no longer needs, never another instance's objects."""
import pytest

from ansible_collections.ciab.claude_in_a_box.plugins.filter.object_key import object_key
from ansible_collections.ciab.claude_in_a_box.plugins.filter.rbac_stale import rbac_stale

RBAC = "rbac.authorization.k8s.io/v1"


def binding(kind, name, sa_ns, ns=None, label=None, role=None):
    meta = {"name": name, "labels": {"ciab.io/agent-namespace": label} if label else {}}
    if ns:
        meta["namespace"] = ns
    return {"metadata": meta, "roleRef": {"kind": kind.replace("Binding", ""), "name": role or name},
            "subjects": [{"kind": "ServiceAccount", "name": "claude-agent", "namespace": sa_ns}]}


def role(name, ns=None, label=None):
    meta = {"name": name, "labels": {"ciab.io/agent-namespace": label} if label else {}}
    if ns:
        meta["namespace"] = ns
    return {"metadata": meta, "rules": []}


def results(**by_kind):
    order = ["ClusterRoleBinding", "RoleBinding", "ClusterRole", "Role"]
    return [{"item": {"api": RBAC, "kind": k}, "resources": by_kind.get(k, [])} for k in order]


def names(stale):
    return [f"{s['kind']}/{s['namespace']}/{s['name']}" for s in stale]


@pytest.mark.parametrize("case, found, wanted, expected", [
    ("nothing stale",
     results(ClusterRoleBinding=[binding("ClusterRoleBinding", "a-claude-reader", "claude", label="claude")],
             ClusterRole=[role("a-claude-reader", label="claude")]),
     ["ClusterRoleBinding//a-claude-reader", "ClusterRole//a-claude-reader"], []),
    ("tier switch removes the old binding before the old role",
     results(ClusterRoleBinding=[binding("ClusterRoleBinding", "a-claude-operator", "claude", label="claude")],
             ClusterRole=[role("a-claude-operator", label="claude")]),
     [], ["ClusterRoleBinding//a-claude-operator", "ClusterRole//a-claude-operator"]),
    ("another instance's labelled objects are never touched",
     results(ClusterRoleBinding=[binding("ClusterRoleBinding", "a-other-reader", "other", label="other")],
             RoleBinding=[binding("RoleBinding", "a-other-operator", "other", ns="shop", label="other")],
             ClusterRole=[role("a-other-reader", label="other")]),
     [], []),
    ("an old unlabelled binding of this namespace and its role go",
     results(ClusterRoleBinding=[binding("ClusterRoleBinding", "a-reader", "claude")],
             ClusterRole=[role("a-reader")]),
     [], ["ClusterRoleBinding//a-reader", "ClusterRole//a-reader"]),
    ("an old unlabelled binding of another namespace stays, and the role it uses",
     results(ClusterRoleBinding=[binding("ClusterRoleBinding", "a-reader", "other")],
             ClusterRole=[role("a-reader")]),
     [], []),
    ("an old namespaced role is judged by the bindings in its own namespace",
     results(RoleBinding=[binding("RoleBinding", "a-reader", "other", ns="shop")],
             Role=[role("a-reader", ns="shop"), role("a-reader", ns="web")]),
     [], ["Role/web/a-reader"]),
])
def test_rbac_stale(case, found, wanted, expected):
    assert names(rbac_stale(found, wanted, "claude")) == expected, case


def test_object_key():
    assert object_key({"kind": "Role", "metadata": {"name": "r", "namespace": "shop"}}) == "Role/shop/r"
    assert object_key({"kind": "ClusterRole", "metadata": {"name": "r"}}) == "ClusterRole//r"


@pytest.mark.parametrize("obj, namespace, key", [
    ({"kind": "ServiceAccount", "metadata": {"name": "r"}}, "claude", "ServiceAccount/claude/r"),
    ({"kind": "CronJob", "metadata": {"name": "r", "namespace": "ops"}}, "claude", "CronJob/ops/r"),
    ({"kind": "ClusterRole", "metadata": {"name": "r"}}, "claude", "ClusterRole//r"),
    ({"kind": "ValidatingAdmissionPolicy", "metadata": {"name": "r"}}, "claude", "ValidatingAdmissionPolicy//r"),
    ({"kind": "ServiceAccount", "metadata": {"name": "r"}}, "", "ServiceAccount//r"),
])
def test_object_key_takes_the_release_namespace_for_a_namespaced_object_without_one(obj, namespace, key):
    assert object_key(obj, namespace) == key


def revoker_found():
    meta = {"namespace": "claude", "labels": {"ciab.io/agent-namespace": "claude"}}
    return [{"item": {"api": "batch/v1", "kind": "CronJob"},
             "resources": [{"metadata": dict(meta, name="a-operator-expiry")}]},
            {"item": {"api": "v1", "kind": "ServiceAccount"},
             "resources": [{"metadata": dict(meta, name="a-revoker")}]}]


@pytest.mark.parametrize("rendered, expected", [
    # time-boxed: the chart renders them without a namespace; keyed in the release's they are wanted, not stale
    ([{"kind": "CronJob", "metadata": {"name": "a-operator-expiry"}},
      {"kind": "ServiceAccount", "metadata": {"name": "a-revoker"}}], []),
    # not time-boxed (reader): nothing renders them, so they go
    ([], ["CronJob/claude/a-operator-expiry", "ServiceAccount/claude/a-revoker"]),
])
def test_the_revokers_objects_are_kept_while_wanted_and_go_after(rendered, expected):
    wanted = [object_key(o, "claude") for o in rendered]
    assert names(rbac_stale(revoker_found(), wanted, "claude")) == expected
