# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: telemetry_values
short_description: The chart's telemetry values from the roles' telemetry settings
version_added: 0.3.0
description:
  - Maps C(ciab_telemetry) (snake_case, as the workload and network_policy roles take it) to the chart's
    C(telemetry) values, so the agent's environment (workload) and the egress allowlist and NetworkPolicy
    (network_policy) are rendered from the same settings.
options:
  _input:
    description: C(enabled), C(endpoint), C(protocol), C(metrics), C(logs), C(log_tool_details), C(network_policy_peers).
    type: dict
    required: true
"""

EXAMPLES = r"""
values:
  telemetry: "{{ ciab_telemetry | ciab.claude_in_a_box.telemetry_values }}"
"""

RETURN = r"""
_value:
  description: The chart's C(telemetry) values.
  type: dict
"""

from ansible.errors import AnsibleFilterError

KEYS = {"enabled": "enabled", "endpoint": "endpoint", "protocol": "protocol", "metrics": "metrics", "logs": "logs",
        "log_tool_details": "logToolDetails", "network_policy_peers": "networkPolicyPeers"}
PROTOCOLS = ("grpc", "http/protobuf", "http/json")


def telemetry_values(settings):
    settings = dict(settings or {})
    unknown = sorted(set(settings) - set(KEYS))
    if unknown:
        raise AnsibleFilterError("telemetry: unknown setting(s) %s; valid: %s" % (", ".join(unknown), ", ".join(KEYS)))
    values = {"enabled": False, "endpoint": "", "protocol": "http/protobuf", "metrics": True, "logs": True,
              "logToolDetails": False, "networkPolicyPeers": []}
    for key, chart_key in KEYS.items():
        if key in settings and settings[key] is not None:
            values[chart_key] = settings[key]
    if values["protocol"] not in PROTOCOLS:
        raise AnsibleFilterError("telemetry: protocol %r is not one of %s" % (values["protocol"], ", ".join(PROTOCOLS)))
    if values["enabled"] and not str(values["endpoint"]).startswith(("http://", "https://")):
        raise AnsibleFilterError("telemetry: enabled needs an endpoint URL (http:// or https://), got %r"
                                 % (values["endpoint"],))
    return values


class FilterModule(object):
    def filters(self):
        return {"telemetry_values": telemetry_values}
