# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: object_key
short_description: Kind/namespace/name of a Kubernetes object
version_added: 0.2.0
description:
  - What identifies an object within one cluster, as one string; the rbac role compares what it rendered with
    what it finds.
options:
  _input:
    description: A Kubernetes object (C(kind) and C(metadata)).
    type: dict
    required: true
  namespace:
    description:
      - The namespace a namespaced object without one is applied to (the chart leaves some to the release's
        namespace), so its key is the key of the object the cluster will hold. Cluster-scoped kinds keep none.
    type: str
    default: ""
"""

EXAMPLES = r"""
key: "{{ {'kind': 'Role', 'metadata': {'name': 'r', 'namespace': 'shop'}} | ciab.claude_in_a_box.object_key }}"
# Role/shop/r
sa: "{{ {'kind': 'ServiceAccount', 'metadata': {'name': 'r'}} | ciab.claude_in_a_box.object_key('claude') }}"
# ServiceAccount/claude/r
"""

RETURN = r"""
_value:
  description: C(<kind>/<namespace>/<name>); the namespace is empty for a cluster-scoped object.
  type: str
"""


# the cluster-scoped kinds the chart renders (and Namespace): they never take a default namespace
CLUSTER_SCOPED = frozenset(["ClusterRole", "ClusterRoleBinding", "ValidatingAdmissionPolicy",
                            "ValidatingAdmissionPolicyBinding", "Namespace", "CustomResourceDefinition"])


def object_key(obj, namespace=""):
    """Kind/namespace/name: what identifies an object within one cluster."""
    meta = obj.get("metadata") or {}
    kind = obj.get("kind", "")
    ns = meta.get("namespace", "") or ("" if kind in CLUSTER_SCOPED else namespace or "")
    return "%s/%s/%s" % (kind, ns, meta.get("name", ""))


class FilterModule(object):
    def filters(self):
        return {"object_key": object_key}
