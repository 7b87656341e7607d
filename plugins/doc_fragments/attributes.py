# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # What each module attribute means; the modules say their support and its details, or take them from the
    # fragments below (as community.docker's attributes fragments do).
    DOCUMENTATION = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/<group>) in C(module_defaults) to set defaults for this module and the group's others.
  check_mode:
    description: Can run in check mode and return the changed status without changing anything.
  diff_mode:
    description: Will return details on what has changed (or would change in check mode) when in diff mode.
  idempotent:
    description: Running it again with the same input gives the same result and changes nothing.
"""

    # A module that only reads (ciab.claude_in_a_box.attributes.info_module).
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details: Only reads; it runs the same way in check mode.
  diff_mode:
    support: none
  idempotent:
    support: full
"""

    # Members of group/ciab.claude_in_a_box.k8s (ciab.claude_in_a_box.attributes.actiongroup_k8s).
    ACTIONGROUP_K8S = r"""
options: {}
attributes:
  action_group:
    support: full
    membership: [ciab.claude_in_a_box.k8s]
    details: The playbooks give it the play's kubeconfig and context this way, as they give kubernetes.core's modules.
"""

    # Members of group/ciab.claude_in_a_box.claude_in_a_box (ciab.claude_in_a_box.attributes.actiongroup_claude_in_a_box).
    ACTIONGROUP_CLAUDE_IN_A_BOX = r"""
options: {}
attributes:
  action_group:
    support: full
    membership: [ciab.claude_in_a_box.claude_in_a_box]
"""
