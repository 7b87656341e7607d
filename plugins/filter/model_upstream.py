# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: model_upstream_problem
short_description: What is wrong with a credential broker's upstream, if anything
version_added: 0.3.0
description:
  - Checks the URL the credential broker sends claude's model requests to, as the workload and compose roles take
    it, with the rules the chart and the broker itself apply. A URL of a host, an optional port and an optional
    path, no user, query or fragment; never the pod's loopback (the agent shares it, so whatever listened there
    would get the credential); plain V(http://) only when allowed (it carries the credential in clear).
options:
  _input:
    description: The upstream URL.
    type: str
    required: true
  allow_http:
    description: Whether an V(http://) upstream is allowed.
    type: bool
    default: false
  name:
    description: The variable's name, for the message.
    type: str
    default: upstream
"""

EXAMPLES = r"""
problem: "{{ workload_model_upstream | ciab.claude_in_a_box.model_upstream_problem(false, 'workload_model_upstream') }}"
"""

RETURN = r"""
_value:
  description: Empty when the URL is fine, else one sentence naming the variable, the value and what to do.
  type: str
"""

import json
import re

SHAPE = re.compile(r"^(https?)://([A-Za-z0-9.-]+)(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$")
LOOPBACK = re.compile(r"^(localhost|.*\.localhost|127\.[0-9.]*|0\.0\.0\.0)\.?$")


def model_upstream_problem(url, allow_http=False, name="upstream"):
    shown = "%s %s" % (name, json.dumps(url))
    match = SHAPE.match(url) if isinstance(url, str) else None
    if not match:
        return ("%s is not an http(s) URL of a host, an optional port and an optional path (no user, query or "
                "fragment), e.g. https://api.anthropic.com" % shown)
    if LOOPBACK.match(match.group(2).lower()):
        return "%s is the pod's loopback, which the agent shares: whatever listened there would get the credential" % shown
    if match.group(1) == "http" and not allow_http:
        return "%s is plain http, which carries the credential in clear: use https, or allow plain http" % shown
    return ""


class FilterModule(object):
    def filters(self):
        return {"model_upstream_problem": model_upstream_problem}
