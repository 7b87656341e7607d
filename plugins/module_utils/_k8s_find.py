# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks of the k8s_find module (kept apart from the Kubernetes client, so they are tested without one)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

from ansible.module_utils.common.text.converters import to_bytes


def check_kinds(kinds):
    """An error message naming the first bad entry of kinds, or '' when each names an apiVersion and a kind."""
    if not kinds:
        return "kinds is empty: name at least one {api, kind}"
    for index, item in enumerate(kinds):
        if not isinstance(item, dict):
            return "kinds[%d] is %r, not a mapping of api and kind" % (index, item)
        extra = sorted(set(item) - {"api", "kind"})
        if extra:
            return "kinds[%d] has %s; only api and kind are known" % (index, ", ".join(extra))
        for key in ("api", "kind"):
            value = item.get(key)
            if not isinstance(value, str) or not value.strip():
                return "kinds[%d] needs %s (a non-empty string), got %r" % (index, key, value)
    return ""


def find_all(find, kinds, namespace=None, label_selectors=None):
    """Each kind's objects, as a registered loop of k8s_info over kinds holds them: [{item: {api, kind}, resources,
    api_found}], in the order of kinds. find is K8sService.find (kind, api_version, namespace=, label_selectors=)."""
    results = []
    for item in kinds:
        found = find(item["kind"], item["api"], namespace=namespace, label_selectors=label_selectors or [])
        results.append({"item": {"api": item["api"], "kind": item["kind"]},
                        "resources": found.get("resources") or [], "api_found": bool(found.get("api_found", False))})
    return results


def connection_id(kubeconfig, context):
    """Which connection the module was given (after module_defaults; the K8S_AUTH_* environment is read later, by
    the client, and is not in it), without the
    kubeconfig itself: Ansible masks it in module_args (it may hold credentials), so the path is returned as its
    sha256, for the caller to compare with the one it means. An inline kubeconfig (a mapping) is V(inline)."""
    if isinstance(kubeconfig, dict):
        digest = "inline"
    elif kubeconfig:
        digest = hashlib.sha256(to_bytes(kubeconfig)).hexdigest()
    else:
        digest = None
    return {"kubeconfig_sha256": digest, "context": context or None}
