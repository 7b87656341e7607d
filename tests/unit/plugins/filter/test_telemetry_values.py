import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ciab.claude_in_a_box.plugins.filter.telemetry_values import telemetry_values

OFF = {"enabled": False, "endpoint": "", "protocol": "http/protobuf", "metrics": True, "logs": True,
       "logToolDetails": False, "networkPolicyPeers": []}


@pytest.mark.parametrize("settings, expected", [
    ({}, OFF),
    (None, OFF),
    ({"enabled": True, "endpoint": "https://otel.example.com:4318", "log_tool_details": True, "metrics": False},
     dict(OFF, enabled=True, endpoint="https://otel.example.com:4318", logToolDetails=True, metrics=False)),
    ({"enabled": True, "endpoint": "http://c.obs.svc:4317", "protocol": "grpc",
      "network_policy_peers": [{"namespaceSelector": {}}]},
     dict(OFF, enabled=True, endpoint="http://c.obs.svc:4317", protocol="grpc", networkPolicyPeers=[{"namespaceSelector": {}}])),
])
def test_settings_map_to_chart_values(settings, expected):
    assert telemetry_values(settings) == expected


@pytest.mark.parametrize("settings, message", [
    ({"enabled": True}, "enabled needs an endpoint URL"),
    ({"enabled": True, "endpoint": "otel:4318"}, "got 'otel:4318'"),
    ({"protocol": "udp"}, "protocol 'udp' is not one of grpc, http/protobuf, http/json"),
    ({"endpoint_url": "x"}, "unknown setting\\(s\\) endpoint_url; valid: enabled, endpoint"),
])
def test_bad_settings_name_the_value_and_the_valid_ones(settings, message):
    with pytest.raises(AnsibleFilterError, match=message):
        telemetry_values(settings)
