# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: tool_selection
short_description: The tools an image carries, from the claude-in-a-box manifest
version_added: 0.1.0
description:
  - Validates the tool manifest and returns the entries of a profile, less the excluded names, with
    C({version}), C({arch}) and C({nodearch}) filled in.
  - Fails naming the bad value and the valid ones for an unknown profile, architecture or tool name.
options:
  _input:
    description: The manifest's C(tools) list.
    type: list
    elements: dict
    required: true
  profile:
    description: Smallest set is V(minimal); V(standard) adds more; V(full) carries everything.
    type: str
    default: full
    choices: [minimal, standard, full]
  exclude:
    description: Tool names to leave out.
    type: list
    elements: str
    default: []
  arch:
    description: Target architecture.
    type: str
    default: amd64
"""

EXAMPLES = r"""
selected: "{{ (lookup('ansible.builtin.file', 'files/tools.yml') | from_yaml).tools
              | ciab.claude_in_a_box.tool_selection(profile='standard', exclude=['k9s']) }}"
"""

RETURN = r"""
_value:
  description: The selected, expanded manifest entries in manifest order.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.ciab.claude_in_a_box.plugins.module_utils._tools import ManifestError, select


def tool_selection(tools, profile="full", exclude=None, arch="amd64"):
    try:
        return select(tools, profile=profile, exclude=exclude or [], arch=arch)
    except ManifestError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    def filters(self):
        return {"tool_selection": tool_selection}
