# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # What each module attribute means; the modules say their support and its details.
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
