# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: image_values
short_description: Split an image reference into the chart's image values
version_added: 0.1.0
description:
  - Turns C(registry/repo:tag) or C(registry/repo[:tag]@sha256:...) into the Helm chart's C(image) values
    (C(repository), C(tag), C(digest)), so the roles render the chart's StatefulSet from the reference the image
    role produced. A digest wins over a tag, as it does for the container runtime.
options:
  _input:
    description: The image reference.
    type: str
    required: true
"""

EXAMPLES = r"""
image: "{{ 'localhost:5000/ciab/claude-in-a-box:0.1.0-abc' | ciab.claude_in_a_box.image_values }}"
# {'repository': 'localhost:5000/ciab/claude-in-a-box', 'tag': '0.1.0-abc', 'digest': ''}
"""

RETURN = r"""
_value:
  description: C(repository), C(tag) and C(digest); the ones the reference does not have are empty.
  type: dict
"""

from ansible.errors import AnsibleFilterError


def image_values(ref):
    if not isinstance(ref, str) or not ref or any(c.isspace() for c in ref):
        raise AnsibleFilterError("image_values: not an image reference: %r" % (ref,))
    name, dummy, digest = ref.partition("@")
    repository, tag = name, ""
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        repository, tag = name.rsplit(":", 1)
    if not repository:
        raise AnsibleFilterError("image_values: no repository in %r" % (ref,))
    return {"repository": repository, "tag": "" if digest else tag, "digest": digest}


class FilterModule(object):
    def filters(self):
        return {"image_values": image_values}
