# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: shared
short_description: The collection's shared facts, each read from its one file
version_added: 0.1.0
description:
  - The facts more than one role (and the chart) use live once, at the collection's top level, not in any one role.
    Roles read them through this lookup instead of reaching out of their own directory, so they find them the same
    way in a checkout and in an installed collection.
  - V(kubernetes) is C(files/kubernetes.yml) (the tiers, labels, ports, the egress allowlist and the credential
    variable names; the chart reads the same file). V(tools) is C(files/tools.yml) (the tool manifest). V(collection)
    is the collection's own metadata (C(galaxy.yml) in a checkout, C(MANIFEST.json) once installed). V(chart) is the
    path of the Helm chart, the source of every Kubernetes object.
options:
  _terms:
    description: What to return.
    type: list
    elements: str
    required: true
    choices: [kubernetes, tools, collection, chart]
  key:
    description: Return only this top-level key of a fact file (V(kubernetes), V(tools), V(collection)).
    type: str
"""

EXAMPLES = r"""
- name: The names claude's container may not get
  ansible.builtin.debug:
    msg: "{{ lookup('ciab.claude_in_a_box.shared', 'kubernetes', key='credential_variables') }}"

- name: The chart's directory
  ansible.builtin.debug:
    msg: "{{ lookup('ciab.claude_in_a_box.shared', 'chart') }}"
"""

RETURN = r"""
_raw:
  description: One entry per term, the parsed file (or its key), or the chart's path.
  type: list
  elements: raw
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.ciab.claude_in_a_box.plugins.plugin_utils._shared import SharedFacts


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        key = self.get_option("key")
        facts = SharedFacts()
        try:
            return [facts.get(term, key) for term in terms]
        except (KeyError, ValueError, OSError) as exc:
            raise AnsibleLookupError(str(exc))
