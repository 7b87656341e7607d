"""The join of the agent's record with the API server's audit log, on recorded-shape fixtures."""
import json

import pytest

from ansible_collections.ciab.claude_in_a_box.plugins.module_utils._audit import (
    AuditError, join, parse_time, read_api_audit, read_record, record_file_lines, service_account_user, table)

SA = "system:serviceaccount:claude:claude-agent"
KUBECTL = "kubectl/v1.34.4 (linux/amd64) kubernetes/abc"
MCP = "kubernetes-mcp-server/0.0.67 (linux/amd64)"
BASE = "2026-11-27T12:00:"


def rec(event, sec, **fields):
    line = {"ciab_audit": 1, "ts": "%s%09.6fZ" % (BASE, sec), "event": event, "session_id": "s1",
            "namespace": "claude", "service_account": "claude-agent", "tier": "reader"}
    line.update(fields)
    return json.dumps(line)


def call(tool_use_id, tool, start, end=None, status="ok", **fields):
    lines = [rec("PreToolUse", start, tool_use_id=tool_use_id, tool=tool, input={"command": tool_use_id})]
    if status == "refused":
        lines.append(rec("ToolRefused", end, tool_use_id=tool_use_id, tool=tool, status="refused",
                         output="has been denied"))
    elif end is not None:
        lines.append(rec("PostToolUse" if status == "ok" else "PostToolUseFailure", end, tool_use_id=tool_use_id,
                         tool=tool, status=status, duration_ms=int((end - start) * 1000), **fields))
    return lines


def api(sec, verb="list", resource="pods", code=200, agent=KUBECTL, user=SA, namespace="kube-system", name="",
        stage="ResponseComplete", impersonated=None, ips=None, uri=None):
    event = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": "id-%s" % sec,
             "stage": stage, "requestURI": uri or "/api/v1/%s" % resource, "verb": verb, "user": {"username": user},
             "userAgent": agent, "objectRef": {"resource": resource, "namespace": namespace, "name": name},
             "responseStatus": {"code": code}, "requestReceivedTimestamp": "%s%09.6fZ" % (BASE, sec),
             "stageTimestamp": "%s%09.6fZ" % (BASE, sec + 0.01)}
    if impersonated:
        event["impersonatedUser"] = {"username": impersonated}
    if ips:
        event["sourceIPs"] = ips
    return json.dumps(event)


def run(record_lines, api_lines, **kwargs):
    record, bad_record = read_record(record_lines)
    events, bad_api = read_api_audit(api_lines)
    return join(record, events, **kwargs), bad_record, bad_api


def by_tool(result):
    return {c["tool_use_id"]: c for c in result["timeline"]}


def test_parse_time_fractions_and_offsets():
    assert parse_time("2026-11-27T12:00:00Z") + 0.5 == parse_time("2026-11-27T12:00:00.5Z")
    assert parse_time("2026-11-27T12:00:00.123456789Z") == pytest.approx(parse_time("2026-11-27T12:00:00Z") + 0.123456789)
    assert parse_time("2026-11-27T13:00:00+01:00") == parse_time("2026-11-27T12:00:00Z")


@pytest.mark.parametrize("value, expected", [
    ("claude:claude-agent", SA), ("claude/claude-agent", SA), (SA, SA),
])
def test_service_account_forms(value, expected):
    assert service_account_user(value) == expected


@pytest.mark.parametrize("value", ["claude", "a:b:c", "Claude:x", ""])
def test_service_account_refuses_other_forms(value):
    with pytest.raises(AuditError, match="is not <namespace>:<name>"):
        service_account_user(value)


def test_each_call_gets_its_requests_and_refusals_get_none():
    record = (call("t1", "Bash", 1.0, 1.5) + call("t2", "mcp__kubernetes__pods_list", 2.0, 2.3)
              + call("t3", "Bash", 3.0, 3.1, status="refused") + call("t4", "Bash", 4.0, 4.4, status="error", exit_code=1))
    audit = [api(1.2), api(2.1, agent=MCP), api(4.1, verb="delete", code=403, name="coredns-1")]
    result, dummy, dummy = run(record, audit)
    calls = by_tool(result)
    assert [r["verb"] for r in calls["t1"]["requests"]] == ["list"]
    assert [r["user_agent"] for r in calls["t2"]["requests"]] == [MCP]
    assert calls["t3"]["status"] == "refused" and calls["t3"]["requests"] == [] and calls["t3"]["refused_by"] == "claude"
    assert [(r["verb"], r["code"], r["name"]) for r in calls["t4"]["requests"]] == [("delete", 403, "coredns-1")]
    assert result["unexplained"] == []
    assert result["summary"] == {"service_account": SA, "tool_calls": 4, "refused": 1, "failed": 1, "api_requests": 3,
                                 "explained": 3, "unexplained": 0, "denied": 1, "background": 0, "outside_record": 0,
                                 "sessions": 0}


def test_clock_skew_within_the_allowance_still_matches():
    record = [rec("SessionStart", 5.0)] + call("t1", "Bash", 10.0, 10.5)
    # the API server's clock runs 0.8 s behind the pod's: the request seems to come before the call started
    result, dummy, dummy = run(record, [api(9.3)], skew=1.0)
    assert len(by_tool(result)["t1"]["requests"]) == 1
    result, dummy, dummy = run(record, [api(9.3), api(10.2)], skew=0.5)
    assert len(by_tool(result)["t1"]["requests"]) == 1
    assert [r["reason"] for r in result["unexplained"]] == ["no tool call was running"]


def test_overlapping_calls_split_by_client_then_by_latest_start():
    record = (call("bash1", "Bash", 1.0, 5.0) + call("mcp1", "mcp__kubernetes__pods_list", 2.0, 3.0)
              + call("bash2", "Bash", 2.5, 4.0))
    audit = [api(2.2, agent=MCP), api(2.2, resource="nodes"), api(2.8, resource="events"), api(4.5, resource="services")]
    result, dummy, dummy = run(record, audit, skew=0.0)
    calls = by_tool(result)
    assert [r["resource"] for r in calls["mcp1"]["requests"]] == ["pods"]
    # at 2.2 only bash1 had started among the Bash calls; at 2.8 bash2 is the latest started; at 4.5 only bash1 runs
    assert [r["resource"] for r in calls["bash1"]["requests"]] == ["nodes", "services"]
    assert [r["resource"] for r in calls["bash2"]["requests"]] == ["events"]


def test_requests_no_call_explains_are_reported_with_a_reason():
    record = call("t1", "mcp__kubernetes__pods_list", 1.0, 1.2) + call("t2", "Bash", 5.0, 5.1)
    audit = [api(1.1, resource="secrets", verb="get", code=403),  # kubectl while only an MCP tool ran
             api(3.0, verb="create", resource="pods", code=201),  # nothing ran
             api(3.5, user="system:serviceaccount:kube-system:other"),  # someone else: not reported
             api(40.0)]  # after the record: left out
    result, dummy, dummy = run(record, audit, skew=0.2)
    reasons = [(r["resource"], r["verb"], r["reason"]) for r in result["unexplained"]]
    assert reasons == [("secrets", "get", "made by a process, not the MCP server while only mcp__kubernetes__pods_list ran"),
                       ("pods", "create", "no tool call was running")]
    assert result["summary"]["denied"] == 1 and result["summary"]["unexplained"] == 2
    lines = table(result)
    assert any("no tool call explains" in line for line in lines)
    assert lines[-1].startswith("2 tool calls (0 refused by Claude, 0 failed), 2 API requests (0 explained, 2 not, 0 the")


def test_impersonation_either_way_involves_the_service_account():
    # someone acting as the ServiceAccount, and the ServiceAccount acting as someone else: both are its requests
    result, dummy, dummy = run(call("t1", "Bash", 1.0, 2.0),
                               [api(1.5, user="kubernetes-admin", impersonated=SA), api(1.6, impersonated="system:admin")])
    assert [(r["user"], r["impersonated_user"]) for r in by_tool(result)["t1"]["requests"]] == [
        ("kubernetes-admin", SA), (SA, "system:admin")]


def test_requests_outside_the_record_are_counted_not_dropped_silently():
    result, dummy, dummy = run(call("t1", "Bash", 1.0, 2.0), [api(1.5), api(30.0), api(40.0)])
    assert result["summary"]["outside_record"] == 2
    assert "2 more by the ServiceAccount outside the record's time" in table(result)[-1]


def test_two_windows_of_one_client_holding_a_request_are_named():
    record = call("a", "Bash", 1.0, 3.0) + call("b", "Bash", 2.0, 4.0)
    result, dummy, dummy = run(record, [api(2.5)])
    assert by_tool(result)["b"]["requests"][0]["ambiguous_with"] == ["a"]


@pytest.mark.parametrize("line", [
    '{"ciab_audit": 1, "ts": "2026-11-27T12:00:01Z", "event": "PreToolUse", "tool_use_id": {"x": 1}}',
    '{"ciab_audit": 1, "ts": "2026-11-27T12:00:01Z", "event": "PostToolUse", "tool_use_id": "t", "duration_ms": "abc"}',
    '{"ciab_audit": 1, "ts": "2026-11-27T12:00:01Z", "event": "PreToolUse", "session_id": ["s"]}',
])
def test_record_lines_of_the_wrong_types_are_malformed_not_a_crash(line):
    dummy, bad = read_record([line])
    assert len(bad) == 1


@pytest.mark.parametrize("field, value", [("user", "someone"), ("objectRef", "pods"), ("sourceIPs", "1.2.3.4")])
def test_audit_events_of_the_wrong_types_are_malformed_not_a_crash(field, value):
    event = json.loads(api(1.5))
    event[field] = value
    events, bad = read_api_audit([json.dumps(event)])
    assert events == [] and len(bad) == 1


def test_a_prefixed_line_is_still_read():
    line = "\x1b[0m2026-11-27T12:00:01Z " + call("t1", "Bash", 1.0, 2.0)[0]
    events, bad = read_record([line])
    assert len(events) == 1 and bad == []


def test_a_missing_pre_line_takes_the_start_from_the_duration():
    post = rec("PostToolUse", 3.0, tool_use_id="t1", tool="Bash", status="ok", duration_ms=2000)
    result, dummy, dummy = run([post], [api(1.5)], skew=0.1)
    assert len(by_tool(result)["t1"]["requests"]) == 1


def test_malformed_lines_are_reported_and_left_out():
    record = ["ciab: credential found", '{"type": "assistant"}', '{"ciab_audit": 1, "ts": "yesterday", "event": "X"}',
              '{"ciab_audit": 1, broken'] + call("t1", "Bash", 1.0, 2.0)
    audit = ["not json", '{"kind": "Other"}', api(1.5, stage="ResponseStarted"), api(1.5)]
    result, bad_record, bad_api = run(record, audit)
    assert [n for n, dummy in bad_record] == [3, 4]
    assert [n for n, dummy in bad_api] == [1, 2]
    assert len(by_tool(result)["t1"]["requests"]) == 1  # the ResponseStarted stage is not counted twice


@pytest.mark.parametrize("record, audit, kwargs, message", [
    (["ciab: starting"], [api(1.0)], {}, "holds no agent audit line"),
    (call("t1", "Bash", 1.0, 2.0), [], {}, "holds no completed API request"),
    (call("t1", "Bash", 1.0, 2.0), [api(1.5, user="system:serviceaccount:other:agent")], {},
     "none by system:serviceaccount:claude:claude-agent: it is from another cluster"),
    (call("t1", "Bash", 1.0, 2.0), [api(50.0)], {}, "do not overlap"),
    (call("t1", "Bash", 1.0, 2.0), [api(1.5)], {"service_account": "nonsense"}, "is not <namespace>:<name>"),
])
def test_inputs_the_join_cannot_use_say_why(record, audit, kwargs, message):
    with pytest.raises(AuditError, match=message):
        run(record, audit, **kwargs)


def test_two_service_accounts_in_one_record_need_a_choice():
    record = call("t1", "Bash", 1.0, 2.0) + [rec("PreToolUse", 3.0, tool_use_id="t9", tool="Bash",
                                                 service_account="other")]
    with pytest.raises(AuditError, match="names 2 ServiceAccounts"):
        run(record, [api(1.5)])
    result, dummy, dummy = run(record, [api(1.5)], service_account="claude:claude-agent")
    assert result["summary"]["explained"] == 1


def test_the_agents_credentials_used_from_elsewhere_are_never_explained():
    record = [rec("PreToolUse", 1.0, tool_use_id="t1", tool="Bash", input={"command": "kubectl get pods"}, pod_ip="10.244.1.7"),
              rec("PostToolUse", 3.0, tool_use_id="t1", tool="Bash", status="ok", duration_ms=2000, pod_ip="10.244.1.7")]
    audit = [api(1.5, ips=["10.244.1.7"]), api(2.0, ips=["172.18.0.1"], agent="curl/8.0"), api(3.5, ips=["172.18.0.1"])]
    result, dummy, dummy = run(record, audit, skew=1.0)
    assert [r["source_ip"] for r in by_tool(result)["t1"]["requests"]] == ["10.244.1.7"]
    assert [r["reason"] for r in result["unexplained"]] == [
        "from 172.18.0.1, not the agent's pod (10.244.1.7)",
        "from 172.18.0.1, not the agent's pod (10.244.1.7)"]
    assert any("not the agent's pod" in line for line in table(result))


def test_the_ask_roles_result_file_is_a_record():
    lines = call("t1", "Bash", 1.0, 2.0)
    ask_result = json.dumps({"answer": "x", "audit": [json.loads(line) for line in lines]}, indent=2).splitlines()
    result, dummy, dummy = run(record_file_lines(ask_result), [api(1.5)])
    assert len(by_tool(result)["t1"]["requests"]) == 1
    assert record_file_lines(lines) == lines  # JSON lines stay as they are


def test_the_node_address_counts_as_the_pods_and_mcp_discovery_is_background():
    """Where the way to the API server is SNATed (KIND here), the pod's requests arrive from its node's address."""
    ctx = {"pod_ip": "10.244.2.6", "node_ip": "172.18.0.3"}
    record = [rec("SessionStart", 0.5, **ctx),
              rec("PreToolUse", 1.0, tool_use_id="t1", tool="mcp__kubernetes__pods_list", input={}, **ctx),
              rec("PostToolUse", 1.5, tool_use_id="t1", tool="mcp__kubernetes__pods_list", status="ok", duration_ms=500, **ctx),
              rec("SessionEnd", 3.0, **ctx)]
    audit = [api(0.6, verb="get", resource="", agent=MCP, ips=["172.18.0.3"], uri="/apis?timeout=10s"),  # its discovery
             api(1.2, agent=MCP, ips=["172.18.0.3"]),                           # the tool's request, via the node
             api(1.3, agent=MCP, ips=["172.18.0.1"]),                           # the token elsewhere
             api(1.9, verb="list", resource="secrets", agent=MCP, ips=["172.18.0.3"])]  # the server, no tool running
    result, dummy, dummy = run(record, audit, skew=0.2)
    assert [r["source_ip"] for r in by_tool(result)["t1"]["requests"]] == ["172.18.0.3"]
    assert [r["reason"] for r in result["background"]] == ["API discovery by the MCP server"]
    assert [(r["resource"], r["reason"]) for r in result["unexplained"]] == [
        ("pods", "from 172.18.0.1, not the agent's pod (10.244.2.6, 172.18.0.3)"),
        ("secrets", "no tool call was running")]
    assert result["summary"]["api_requests"] == 4 and result["summary"]["background"] == 1
    # a non-resource read that is not discovery is not waved through as background
    record2 = record[:1] + record[-1:]
    result, dummy, dummy = run(record2, [api(1.0, verb="get", resource="", agent=MCP, ips=["172.18.0.3"], uri="/metrics")])
    assert result["background"] == [] and [r["uri"] for r in result["unexplained"]] == ["/metrics"]


def test_a_request_belongs_to_the_window_that_holds_it_not_to_the_next_call_within_skew():
    """Recorded shape from KIND: calls 0.2 s apart, the skew (1 s) wider than the gap. Each request stays with the
    call whose own window holds it; the skew only reaches requests no window holds."""
    record = (call("get", "Bash", 38.403, 38.600) + call("can-i", "Bash", 38.637, 38.900)
              + call("cm", "Bash", 39.412, 39.600) + call("mcp1", "mcp__kubernetes__pods_list", 38.245, 38.400)
              + call("mcp2", "mcp__kubernetes__resources_get", 39.012, 39.100))
    audit = [api(38.544), api(38.789, verb="create", resource="selfsubjectaccessreviews", code=201),
             api(39.527, verb="get", resource="configmaps", name="planted"), api(38.321, agent=MCP),
             api(37.498, verb="get", resource="", agent=MCP, uri="/api?timeout=10s"),  # the MCP server's discovery
             api(39.650, verb="get", resource="configmaps")]   # just after cm's window: within the skew
    result, dummy, dummy = run(record, audit, skew=1.0)
    calls = by_tool(result)
    assert [r["resource"] for r in calls["get"]["requests"]] == ["pods"]
    assert [r["resource"] for r in calls["can-i"]["requests"]] == ["selfsubjectaccessreviews"]
    assert [r["resource"] for r in calls["cm"]["requests"]] == ["configmaps", "configmaps"]
    assert [r["resource"] for r in calls["mcp1"]["requests"]] == ["pods"] and calls["mcp2"]["requests"] == []
    assert [r["reason"] for r in result["background"]] == ["API discovery by the MCP server"]
