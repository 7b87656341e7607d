# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: namespaced_rules
short_description: Drop cluster-scoped resources from RBAC rules meant for a namespaced Role
version_added: 0.1.0
description:
  - Returns the rules with the given cluster-scoped resources removed, and rules left with no resource dropped,
    so a Role never names what only a ClusterRole can grant.
options:
  _input:
    description: PolicyRule list.
    type: list
    elements: dict
    required: true
  cluster_scoped:
    description: Resource names that exist only cluster-wide.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
rules: "{{ facts.reader_rules | ciab.claude_in_a_box.namespaced_rules(facts.cluster_scoped_resources) }}"
"""

RETURN = r"""
_value:
  description: The rules, namespaced resources only.
  type: list
  elements: dict
"""


def namespaced_rules(rules, cluster_scoped):
    out = []
    for rule in rules:
        resources = [r for r in rule.get("resources", []) if r not in cluster_scoped]
        if resources:
            out.append(dict(rule, resources=resources))
    return out


class FilterModule(object):
    def filters(self):
        return {"namespaced_rules": namespaced_rules}
