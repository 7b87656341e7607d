# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: managed_settings
short_description: Claude Code's managed settings for a tier, from the collection's tier facts
version_added: 0.2.0
description:
  - Merges C(claude_managed_settings), the C(reader) permissions and, for C(operator), the operator's extra
    permissions from C(files/kubernetes.yml), and disables C(bypassPermissions) unless allowed.
  - The image role bakes the C(reader) tier into the image (C(/etc/claude-code/managed-settings.json)), so
    C(docker run) and Compose get the same guardrails; on Kubernetes the chart's ConfigMap replaces that file
    with the deployed tier. A test checks this filter and the chart agree.
options:
  _input:
    description: The facts of C(files/kubernetes.yml).
    type: dict
    required: true
  tier:
    description: V(reader) or V(operator).
    type: str
    default: reader
  allow_bypass:
    description: Leave C(bypassPermissions) available.
    type: bool
    default: false
"""

EXAMPLES = r"""
settings: "{{ lookup('file', 'files/kubernetes.yml') | from_yaml | ciab.claude_in_a_box.managed_settings }}"
"""

RETURN = r"""
_value:
  description: The managed settings.
  type: dict
"""

import copy

from ansible.errors import AnsibleFilterError


def managed_settings(facts, tier="reader", allow_bypass=False):
    if tier not in ("reader", "operator"):
        raise AnsibleFilterError("managed_settings: tier %r is not one of reader, operator" % (tier,))
    permissions = copy.deepcopy(facts["claude_reader_permissions"])
    if tier == "operator":
        # as the chart's merge: the operator adds rule lists the reader tier does not have
        for key, rules in facts.get("claude_operator_extra_permissions", {}).items():
            permissions.setdefault(key, copy.deepcopy(rules))
    if not allow_bypass:
        permissions["disableBypassPermissionsMode"] = "disable"
    settings = copy.deepcopy(facts["claude_managed_settings"])
    settings["permissions"] = permissions
    return settings


class FilterModule(object):
    def filters(self):
        return {"managed_settings": managed_settings}
