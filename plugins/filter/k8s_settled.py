# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: k8s_settled
short_description: Whether an object kubernetes.core.k8s just applied is rolled out and ready, from its own status
version_added: 0.4.0
description:
  - Reads the result of a C(kubernetes.core.k8s) apply (one object, or the C(result.results) of a list) and finds the
    O(kind) named O(name) in it.
  - True when its controller has seen this spec (C(observedGeneration) at least C(generation)) and counts every
    replica updated and ready; for a StatefulSet also when the current revision is the update revision. False when
    the object is not in the result or has no status yet.
  - A role that applied nothing new and gets true has nothing to wait for.
options:
  _input:
    description: The registered result of a C(kubernetes.core.k8s) task.
    type: dict
    required: true
  kind:
    description: V(Deployment) or V(StatefulSet).
    type: str
    required: true
  name:
    description: The object's name.
    type: str
    required: true
"""

EXAMPLES = r"""
settled: "{{ __applied is not changed and __applied | ciab.claude_in_a_box.k8s_settled('Deployment', 'claude-agent-egress') }}"
"""

RETURN = r"""
_value:
  description: Whether the object is rolled out and ready.
  type: bool
"""

from ansible.errors import AnsibleFilterError


def _objects(result):
    if not isinstance(result, dict):
        return []
    inner = result.get("result") or {}
    if isinstance(inner, dict) and isinstance(inner.get("results"), list):
        return [item.get("result") or {} for item in inner["results"] if isinstance(item, dict)]
    return [inner] if isinstance(inner, dict) else []


def k8s_settled(result, kind, name):
    if kind not in ("Deployment", "StatefulSet"):
        raise AnsibleFilterError("k8s_settled: kind must be Deployment or StatefulSet, not %r" % (kind,))
    for obj in _objects(result):
        if obj.get("kind") != kind or (obj.get("metadata") or {}).get("name") != name:
            continue
        status, spec = obj.get("status") or {}, obj.get("spec") or {}
        replicas = spec.get("replicas", 1)
        seen = status.get("observedGeneration", 0) >= (obj.get("metadata") or {}).get("generation", 1)
        counted = status.get("updatedReplicas", 0) == replicas and status.get("readyReplicas", 0) == replicas
        if kind == "Deployment":
            return bool(seen and counted and status.get("availableReplicas", 0) == replicas)
        revision = status.get("updateRevision")
        return bool(seen and counted and revision is not None and status.get("currentRevision") == revision)
    return False


class FilterModule(object):
    def filters(self):
        return {"k8s_settled": k8s_settled}
