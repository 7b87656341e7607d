# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: chart_objects
short_description: The objects of some templates in the output of helm template
version_added: 0.2.0
description:
  - Splits C(helm template) output into its documents and keeps the objects rendered from the templates named,
    by the C(# Source:) line helm writes before each. Unlike C(--show-only), a template that renders nothing (a
    feature switched off) is simply absent rather than an error.
options:
  _input:
    description: The output of C(helm template).
    type: str
    required: true
  templates:
    description: Template paths inside the chart (C(templates/rbac.yaml)).
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
objects: "{{ render.stdout | ciab.claude_in_a_box.chart_objects(['templates/rbac.yaml']) }}"
"""

RETURN = r"""
_value:
  description: The objects, in helm's install order.
  type: list
  elements: dict
"""

import re

import yaml
from ansible.errors import AnsibleFilterError

_SOURCE = re.compile(r"^# Source: [^/\n]+/(\S+)\s*$", re.M)
_SEPARATOR = re.compile(r"^---\s*$", re.M)


def chart_objects(rendered, templates):
    wanted = set(templates)
    objects = []
    for doc in _SEPARATOR.split(rendered or ""):
        source = _SOURCE.search(doc)
        if not source or source.group(1) not in wanted:
            continue
        try:
            obj = yaml.safe_load(doc)
        except yaml.YAMLError as exc:
            raise AnsibleFilterError("chart_objects: %s rendered invalid YAML: %s" % (source.group(1), exc))
        if obj:
            if not isinstance(obj, dict) or "kind" not in obj:
                raise AnsibleFilterError("chart_objects: %s rendered something that is not an object" % source.group(1))
            objects.append(obj)
    return objects


class FilterModule(object):
    def filters(self):
        return {"chart_objects": chart_objects}
