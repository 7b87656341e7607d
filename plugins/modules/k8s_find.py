#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: k8s_find
short_description: List the objects of several kinds that match a label selector, in one call
version_added: 0.4.0
description:
  - What a loop of C(kubernetes.core.k8s_info) over kinds returns, from one module run and one API client - the rbac
    role asks for the six kinds an instance may have made on every run, and each module run costs the controller
    about half a second of CPU (the Kubernetes client loads anew), so a fleet rollout paid that six times per
    cluster.
  - Each kind's answer is one item of RV(results), in the order given, with the kind as C(item) and its objects as
    C(resources), as a registered loop of C(k8s_info) would hold them; a kind the API server does not serve gives
    no objects.
  - Also returns the connection it was given (RV(connection)); the k8s_access role's check reads it.
  - Only reads; it runs the same way in check mode.
author:
  - claude-in-a-box contributors (@ciab)
options:
  kinds:
    description: The kinds to list, each as C(api) (the apiVersion) and C(kind).
    type: list
    elements: dict
    required: true
  label_selectors:
    description: Label selectors the objects must all match (as for C(kubernetes.core.k8s_info)).
    type: list
    elements: str
    default: []
  namespace:
    description: List in this namespace only; by default every namespace (cluster-scoped kinds ignore it).
    type: str
extends_documentation_fragment:
  - kubernetes.core.k8s_auth_options
  - ciab.claude_in_a_box.attributes
  - ciab.claude_in_a_box.attributes.info_module
  - ciab.claude_in_a_box.attributes.actiongroup_k8s
requirements:
  - kubernetes.core (the collection) and the kubernetes Python client it needs
"""

EXAMPLES = r"""
- name: Read what this instance made before
  ciab.claude_in_a_box.k8s_find:
    kinds:
      - {api: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding}
      - {api: rbac.authorization.k8s.io/v1, kind: RoleBinding}
    label_selectors: ["app.kubernetes.io/instance=claude-agent"]
  register: made
# made.results | ciab.claude_in_a_box.rbac_stale(wanted, 'claude')
"""

RETURN = r"""
results:
  description: One item per kind, in the order of O(kinds).
  returned: always
  type: list
  elements: dict
  contains:
    item:
      description: The kind asked for (C(api), C(kind)).
      type: dict
    resources:
      description: Its objects that match.
      type: list
      elements: dict
    api_found:
      description: Whether the API server serves the kind.
      type: bool
connection:
  description:
    - The connection the module was given, after the play's C(module_defaults) (not the C(K8S_AUTH_*) environment,
      which the client reads later) -
      the kubeconfig as the sha256 of its path (Ansible masks the path itself in the module's arguments), V(inline)
      for a kubeconfig given as a mapping - so a caller can tell whether the play reaches the cluster it means.
  returned: always
  type: dict
  contains:
    kubeconfig_sha256:
      description: sha256 of the kubeconfig path, V(inline), or null when none was given.
      type: str
    context:
      description: The context given, or null.
      type: str
  sample: {kubeconfig_sha256: 3b0c..., context: kind-claude-dev}
"""

import copy

from ansible_collections.ciab.claude_in_a_box.plugins.module_utils._k8s_find import check_kinds, connection_id, find_all

try:
    from ansible_collections.kubernetes.core.plugins.module_utils.ansiblemodule import AnsibleModule
    from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import AnsibleK8SModule
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.exceptions import CoreException
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.service import K8sService
    HAS_K8S_CORE = True
except ImportError:  # the sanity import test runs without kubernetes.core
    from ansible.module_utils.basic import AnsibleModule
    AUTH_ARG_SPEC = {}
    HAS_K8S_CORE = False


def argspec():
    args = copy.deepcopy(AUTH_ARG_SPEC)
    args.update(dict(
        kinds=dict(type="list", elements="dict", required=True),
        label_selectors=dict(type="list", elements="str", default=[]),
        namespace=dict(type="str"),
    ))
    return args


def main():
    if not HAS_K8S_CORE:
        AnsibleModule(argument_spec=argspec(), supports_check_mode=True).fail_json(
            msg="k8s_find needs the kubernetes.core collection and the kubernetes Python client")
    module = AnsibleK8SModule(module_class=AnsibleModule, argument_spec=argspec(), supports_check_mode=True)
    problem = check_kinds(module.params["kinds"])
    if problem:
        module.fail_json(msg=problem)
    try:
        svc = K8sService(get_api_client(module), module)
        results = find_all(svc.find, module.params["kinds"], module.params["namespace"], module.params["label_selectors"])
    except CoreException as exc:
        module.fail_from_exception(exc)
    module.exit_json(changed=False, results=results,
                     connection=connection_id(module.params.get("kubeconfig"), module.params.get("context")))


if __name__ == "__main__":
    main()
