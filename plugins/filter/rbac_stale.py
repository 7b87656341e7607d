# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: rbac_stale
short_description: The RBAC and admission objects an instance made that its current tier and scope no longer need
version_added: 0.2.0
description:
  - Given what the rbac role found by its labels (one C(kubernetes.core.k8s_info) result per kind, in removal order)
    and the keys of the objects it just rendered, returns the objects to remove, in that order.
  - An object belongs to the instance when its C(ciab.io/agent-namespace) label names the agent's namespace. An
    object from before that label is the instance's when its binding's ServiceAccount is in that namespace, or, for
    a role, when only such bindings (or none) refer to it; so two instances in one cluster never remove each
    other's objects.
options:
  _input:
    description: The C(results) of C(k8s_info) looped over C({api, kind}) items.
    type: list
    elements: dict
    required: true
  wanted:
    description: Keys (see C(object_key)) of the objects the role rendered.
    type: list
    elements: str
    required: true
  namespace:
    description: The agent's namespace.
    type: str
    required: true
"""

EXAMPLES = r"""
stale: "{{ made.results | ciab.claude_in_a_box.rbac_stale(wanted, 'claude') }}"
"""

RETURN = r"""
_value:
  description: C(api), C(kind), C(name) and C(namespace) (empty when cluster-scoped) of each object to remove.
  type: list
  elements: dict
"""

from ansible_collections.ciab.claude_in_a_box.plugins.filter.object_key import object_key

LABEL = "ciab.io/agent-namespace"


def _sa_namespaces(binding):
    return {s.get("namespace") for s in binding.get("subjects") or [] if s.get("kind") == "ServiceAccount"}


def rbac_stale(results, wanted, namespace):
    wanted = set(wanted)
    found = []
    for result in results:
        item = result.get("item") or {}
        for obj in result.get("resources") or []:
            found.append((item.get("api"), item.get("kind"), dict(obj, kind=item.get("kind"))))

    def legacy_binding_ours(obj):
        return namespace in _sa_namespaces(obj)

    bindings = [o for dummy, k, o in found if k in ("ClusterRoleBinding", "RoleBinding")]

    def ours(kind, obj):
        labels = (obj.get("metadata") or {}).get("labels") or {}
        if LABEL in labels:
            return labels[LABEL] == namespace
        if kind in ("ClusterRoleBinding", "RoleBinding"):
            return legacy_binding_ours(obj)
        if kind in ("ClusterRole", "Role"):
            meta = obj.get("metadata") or {}
            users = [b for b in bindings
                     if (b.get("roleRef") or {}).get("name") == meta.get("name")
                     and (b.get("roleRef") or {}).get("kind") == kind
                     and (kind == "ClusterRole" or (b.get("metadata") or {}).get("namespace") == meta.get("namespace"))]
            return all(legacy_binding_ours(b) for b in users)
        return False

    stale = []
    for api, kind, obj in found:
        if ours(kind, obj) and object_key(obj) not in wanted:
            meta = obj.get("metadata") or {}
            stale.append({"api": api, "kind": kind, "name": meta.get("name", ""), "namespace": meta.get("namespace", "") or ""})
    return stale


class FilterModule(object):
    def filters(self):
        return {"rbac_stale": rbac_stale}
