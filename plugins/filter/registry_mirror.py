# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: registry_mirror
short_description: Where a local mirror registry keeps an image so that nodes pulling it by its own name find it
version_added: 0.4.0
description:
  - For a KIND cluster whose nodes pull through a local registry first (containerd's C(hosts.toml) mirror), the image
    keeps its own reference in every manifest, and the mirror holds it under the same path.
  - Returns the upstream registry host the nodes' containerd must mirror (V(docker.io) when the reference names none,
    as the runtime reads it) and the registry path to push to (the local registry plus the reference's path without
    its last part; a single docker.io name lives under C(library/)).
options:
  _input:
    description: The local image reference, with its tag.
    type: str
    required: true
  local:
    description: The local registry as the controller reaches it, C(host:port).
    type: str
    required: true
"""

EXAMPLES = r"""
mirror: "{{ 'ciab/claude-in-a-box:0.1.0-abc' | ciab.claude_in_a_box.registry_mirror('127.0.0.1:5001') }}"
# {'upstream': 'docker.io', 'registry': '127.0.0.1:5001/ciab'}
"""

RETURN = r"""
_value:
  description: C(upstream), the registry host the nodes mirror; C(registry), where to push (C(host:port/path)).
  type: dict
"""

from ansible.errors import AnsibleFilterError


def _is_host(component):
    # the runtime's rule: a first component with a dot or a port, or localhost, names a registry
    return "." in component or ":" in component or component == "localhost"


def registry_mirror(ref, local):
    if not isinstance(ref, str) or not ref or any(c.isspace() for c in ref) or "@" in ref:
        raise AnsibleFilterError("registry_mirror: not an image reference with a tag: %r" % (ref,))
    if ":" not in ref.rsplit("/", 1)[-1]:
        raise AnsibleFilterError("registry_mirror: %r has no tag" % (ref,))
    if not isinstance(local, str) or not local or "/" in local:
        raise AnsibleFilterError("registry_mirror: the local registry must be host:port, not %r" % (local,))
    name = ref.rsplit(":", 1)[0]
    parts = name.split("/")
    if len(parts) > 1 and _is_host(parts[0]):
        upstream, path = parts[0], parts[1:]
    else:
        upstream, path = "docker.io", parts
        if len(path) == 1:
            path = ["library"] + path
    if not all(path):
        raise AnsibleFilterError("registry_mirror: empty path component in %r" % (ref,))
    return {"upstream": upstream, "registry": "/".join([local] + path[:-1])}


class FilterModule(object):
    def filters(self):
        return {"registry_mirror": registry_mirror}
