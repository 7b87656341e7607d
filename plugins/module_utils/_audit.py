# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The join behind agent_audit: the agent's own record (the lines ciab-audit-hook writes) with the Kubernetes API
server's audit events for its ServiceAccount.

A tool call is the window from its PreToolUse line to its PostToolUse or PostToolUseFailure line. An API request by
the ServiceAccount belongs to the call whose client made it (MCP tool calls are made by the MCP server, its user
agent; every other tool by a process of the agent: kubectl, helm, curl) and whose window holds the time the API server
received it (the latest started, when several do); when no window holds it, the nearest within the allowed clock
skew. A request no call explains is reported on its own: it is what an investigation wants to see first.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import re

SA_PREFIX = "system:serviceaccount:"
_FRACTION = re.compile(r"\.(\d+)")


class AuditError(Exception):
    """Input the join cannot use; the message says what and where."""


def parse_time(text):
    """Seconds since the epoch, from an RFC 3339 time (any fraction, Z or an offset)."""
    if not isinstance(text, str) or not text:
        raise ValueError("not a time: %r" % (text,))
    value = text.strip().replace("z", "Z")
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    fraction = 0.0
    match = _FRACTION.search(value)
    if match:
        fraction = float("0." + match.group(1))
        value = value[:match.start()] + value[match.end():]
    moment = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    return (moment - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)).total_seconds() + fraction


def format_time(seconds):
    moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%06dZ" % moment.microsecond


def service_account_user(value):
    """system:serviceaccount:<ns>:<name> from that form, or from <ns>:<name> or <ns>/<name>."""
    value = (value or "").strip()
    if value.startswith(SA_PREFIX):
        value = value[len(SA_PREFIX):]
    parts = re.split(r"[:/]", value)
    if len(parts) != 2 or not all(re.match(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", p) for p in parts):
        raise AuditError("service_account %r is not <namespace>:<name> (or system:serviceaccount:<namespace>:<name>)"
                         % (value,))
    return SA_PREFIX + ":".join(parts)


_RECORD_STRINGS = ("event", "session_id", "tool_use_id", "tool", "pod_ip", "node_ip", "namespace", "service_account",
                   "status")


def _record_problem(event):
    """Why a record line cannot be used (it sets event["_t"] when it can), or None."""
    if not isinstance(event, dict):
        return "not an object"
    try:
        event["_t"] = parse_time(event.get("ts"))
    except ValueError:
        return "no valid ts"
    if not event.get("event"):
        return "no event name"
    for field in _RECORD_STRINGS:
        if event.get(field) is not None and not isinstance(event[field], str):
            return "%s is not a string" % field
    duration = event.get("duration_ms")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, (int, float))):
        return "duration_ms is not a number"
    return None


def read_record(lines):
    """The agent's record: the ciab_audit lines among `lines` (a pod log also holds other lines), and the lines that
    look like record lines but cannot be read, as (line number, reason)."""
    events, malformed = [], []
    for number, line in enumerate(lines, 1):
        # a line may carry a prefix (a terminal's escape codes, a log shipper's time stamp)
        start = line.find('{"ciab_audit"')
        if start < 0:
            continue
        try:
            event = json.loads(line[start:].strip())
        except ValueError as exc:
            malformed.append((number, "not JSON (%s)" % exc))
            continue
        problem = _record_problem(event)
        if problem:
            malformed.append((number, problem))
            continue
        events.append(event)
    return events, malformed


def record_file_lines(lines):
    """The record's lines from a file: JSON lines as they are, or the result file of the ask role (one JSON object
    whose `audit` list is the run's record)."""
    text = "\n".join(lines).strip()
    if text.startswith("{") and '"audit"' in text:
        try:
            document = json.loads(text)
        except ValueError:
            return lines
        if isinstance(document, dict) and isinstance(document.get("audit"), list):
            return [json.dumps(event) for event in document["audit"] if isinstance(event, dict)]
    return lines


def read_api_audit(lines):
    """The API server's completed requests (audit.k8s.io Events at stage ResponseComplete or Panic), and the lines
    that cannot be read."""
    events, malformed = [], []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        try:
            event = json.loads(line)
            if not isinstance(event, dict) or event.get("kind") != "Event":
                raise ValueError("not an audit Event")
            if event.get("stage") not in ("ResponseComplete", "Panic"):
                continue
            event["_t"] = parse_time(event.get("requestReceivedTimestamp") or event.get("stageTimestamp"))
            for field in ("user", "impersonatedUser", "objectRef", "responseStatus"):
                if event.get(field) is not None and not isinstance(event[field], dict):
                    raise ValueError("%s is not an object" % field)
            if not isinstance(event.get("sourceIPs") or [], list):
                raise ValueError("sourceIPs is not a list")
        except ValueError as exc:
            malformed.append((number, str(exc)[:80]))
            continue
        events.append(event)
    return events, malformed


def involves(event, user):
    """The request was made with the user's credentials, or as the user by someone impersonating it."""
    return user in ((event.get("user") or {}).get("username"), (event.get("impersonatedUser") or {}).get("username"))


def tool_calls(record):
    """The tool calls of the record, in start order, each with its window and outcome."""
    calls, order = {}, []
    for event in sorted(record, key=lambda e: e["_t"]):
        name = event["event"]
        key = (event.get("session_id"), event.get("tool_use_id"))
        if name == "PermissionRequest":
            # no tool_use_id: the open call of this session with that tool and input asked for approval
            for call in reversed(order):
                if (call["session_id"] == event.get("session_id") and call["tool"] == event.get("tool")
                        and call["input"] == event.get("input") and call["end"] is None):
                    call["approval_requested"] = True
                    break
            continue
        if name not in ("PreToolUse", "PostToolUse", "PostToolUseFailure", "ToolRefused", "PermissionDenied"):
            continue
        if not key[1]:
            continue
        call = calls.get(key)
        if call is None:
            call = {"session_id": key[0], "tool_use_id": key[1], "tool": event.get("tool"), "input": event.get("input"),
                    "start": event["_t"], "end": None, "status": "unfinished", "exit_code": None, "duration_ms": None,
                    "output": None, "approval_requested": False, "requests": []}
            for field in ("cluster", "namespace", "pod", "pod_ip", "node_ip", "tier", "service_account"):
                call[field] = event.get(field, "")
            calls[key] = call
            order.append(call)
        if name in ("PostToolUse", "PostToolUseFailure"):
            call["end"] = event["_t"]
            if event.get("duration_ms") is not None:
                # the window starts when the tool started, even when the PreToolUse line is missing
                call["start"] = min(call["start"], event["_t"] - float(event["duration_ms"]) / 1000.0)
            call.update(status=event.get("status", "ok" if name == "PostToolUse" else "error"),
                        exit_code=event.get("exit_code"), duration_ms=event.get("duration_ms"), output=event.get("output"))
        elif name in ("ToolRefused", "PermissionDenied"):
            call.update(status="refused", output=event.get("output"))
    return sorted(order, key=lambda c: c["start"])


def _distance(call, moment):
    """Seconds from `moment` to the call's window (0 inside it); a call that never ended is its start instant."""
    end = call["end"] if call["end"] is not None else call["start"]
    if moment < call["start"]:
        return call["start"] - moment
    return max(0.0, moment - end)


def _client(user_agent, mcp_user_agent):
    return "mcp" if mcp_user_agent and mcp_user_agent.lower() in (user_agent or "").lower() else "process"


def _call_client(call):
    return "mcp" if (call["tool"] or "").startswith("mcp__") else "process"


def _request(event):
    ref = event.get("objectRef") or {}
    resource = ref.get("resource", "")
    if ref.get("subresource"):
        resource += "/" + ref["subresource"]
    impersonated = (event.get("impersonatedUser") or {}).get("username")
    return {"time": format_time(event["_t"]), "verb": event.get("verb", ""), "resource": resource,
            "api_group": ref.get("apiGroup", ""), "namespace": ref.get("namespace", ""), "name": ref.get("name", ""),
            "code": (event.get("responseStatus") or {}).get("code"), "user_agent": event.get("userAgent", ""),
            "uri": event.get("requestURI", ""), "audit_id": event.get("auditID", ""),
            "source_ip": (event.get("sourceIPs") or [""])[0],
            "user": (event.get("user") or {}).get("username", ""), "impersonated_user": impersonated or ""}


def join(record, api_events, service_account=None, skew=1.0, mcp_user_agent="kubernetes-mcp-server",
         record_source="the record", audit_source="the audit log"):
    """The timeline (tool calls with the API requests each caused), the requests no call explains, and a summary."""
    calls = tool_calls(record)
    sessions = {}
    for event in record:
        if event["event"] in ("SessionStart", "SessionEnd"):
            session = sessions.setdefault(event.get("session_id"), {"session_id": event.get("session_id")})
            session["start" if event["event"] == "SessionStart" else "end"] = event.get("ts")
    if not calls and not sessions:
        raise AuditError("%s holds no agent audit line (ciab_audit): not an agent's log, or its hooks did not run"
                         % record_source)
    if not service_account:
        accounts = sorted({"%s:%s" % (e.get("namespace"), e.get("service_account")) for e in record
                           if e.get("namespace") and e.get("service_account")})
        if len(accounts) != 1:
            raise AuditError("%s names %s ServiceAccounts (%s); set service_account"
                             % (record_source, len(accounts) or "no", ", ".join(accounts) or "none"))
        service_account = accounts[0]
    user = service_account_user(service_account)
    if not api_events:
        raise AuditError("%s holds no completed API request: not a kube-apiserver audit log, or auditing is off"
                         % audit_source)
    mine = [e for e in api_events if involves(e, user)]
    if not mine:
        raise AuditError("%s holds %d requests and none by %s: it is from another cluster, or its policy does not "
                         "record that namespace's ServiceAccounts" % (audit_source, len(api_events), user))
    # the record's span: its lines, and the starts of calls whose PreToolUse line is missing
    first = min([e["_t"] for e in record] + [c["start"] for c in calls]) - skew
    last = max(e["_t"] for e in record) + skew
    during = [e for e in mine if first <= e["_t"] <= last]
    outside = len(mine) - len(during)
    if not during:
        raise AuditError(
            "%s has requests by %s from %s to %s, and %s spans %s to %s: they do not overlap (another cluster, a "
            "rotated log, or clocks apart more than skew=%ss)"
            % (audit_source, user, format_time(min(e["_t"] for e in mine)), format_time(max(e["_t"] for e in mine)),
               record_source, format_time(first + skew), format_time(last - skew), skew))
    unexplained, background = [], []
    # where the agent's requests come from: its pod, or its node (when the way to the API server is SNATed)
    pod_ips = {e.get(field) for e in record for field in ("pod_ip", "node_ip") if e.get(field)}
    for event in sorted(during, key=lambda e: e["_t"]):
        client = _client(event.get("userAgent"), mcp_user_agent)
        ips = event.get("sourceIPs") or []
        discovery = not (event.get("objectRef") or {}).get("resource")
        running = [c for c in calls if c["status"] != "refused" and _distance(c, event["_t"]) <= skew]
        # a request from another address than the agent's pod used its credentials elsewhere: no call explains it
        same_pod = [c for c in running if not c["pod_ip"] or not ips or set(ips) & {c["pod_ip"], c["node_ip"]}]
        # the call whose own window holds the request first (the latest started, when several do); the skew only
        # reaches a request no window holds, and never a discovery read (clients make those on their own)
        candidates = [c for c in same_pod if _call_client(c) == client
                      and (_distance(c, event["_t"]) == 0 or not discovery)]
        if candidates:
            chosen = min(candidates, key=lambda c: (_distance(c, event["_t"]), -c["start"]))
            request = _request(event)
            holding = [c for c in candidates if _distance(c, event["_t"]) == 0]
            if len(holding) > 1:
                # two calls of the same client were running: the time alone cannot tell which one asked
                request["ambiguous_with"] = [c["tool_use_id"] for c in holding if c is not chosen]
            chosen["requests"].append(request)
            continue
        request = _request(event)
        from_pod = not ips or not pod_ips or bool(set(ips) & pod_ips)
        if from_pod and client == "mcp" and request["uri"].split("?")[0] in ("/api", "/apis") and request["verb"] == "get":
            # the MCP server reads the API's discovery documents (/api, /apis) when it starts: no data, no tool call
            request["reason"] = "API discovery by the MCP server"
            background.append(request)
            continue
        if not from_pod:
            request["reason"] = "from %s, not the agent's pod (%s)%s" % (
                ips[0], ", ".join(sorted(pod_ips)), "" if running else "; no tool call was running")
        elif same_pod:
            request["reason"] = "made by %s while only %s ran" % (
                "the MCP server" if client == "mcp" else "a process, not the MCP server",
                ", ".join(sorted({c["tool"] or "?" for c in running})))
        else:
            request["reason"] = "no tool call was running"
        unexplained.append(request)
    timeline = []
    for call in calls:
        entry = dict(call)
        entry["start"] = format_time(call["start"])
        entry["end"] = format_time(call["end"]) if call["end"] is not None else None
        entry["refused_by"] = "claude" if call["status"] == "refused" else None
        timeline.append(entry)
    requests = sum(len(c["requests"]) for c in calls)
    summary = {
        "service_account": user,
        "tool_calls": len(calls),
        "refused": sum(1 for c in calls if c["status"] == "refused"),
        "failed": sum(1 for c in calls if c["status"] == "error"),
        "api_requests": requests + len(unexplained) + len(background),
        "explained": requests,
        "unexplained": len(unexplained),
        "denied": sum(1 for c in calls for r in c["requests"] if r["code"] == 403)
        + sum(1 for r in unexplained if r["code"] == 403),
        "background": len(background),
        "outside_record": outside,
        "sessions": len(sessions),
    }
    return {"timeline": timeline, "unexplained": unexplained, "background": background,
            "sessions": sorted(sessions.values(), key=lambda s: s.get("start") or ""), "summary": summary}


def _short(value, width):
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."


def table(result, width=60):
    """The timeline as lines of text: one per tool call, one indented per API request, then the unexplained ones."""
    lines = []
    for call in result["timeline"]:
        shown = call["input"]
        if isinstance(shown, dict):
            shown = shown.get("command") or shown.get("file_path") or shown
        outcome = call["status"] + ("" if call["exit_code"] is None else " exit %s" % call["exit_code"])
        if call["status"] == "refused":
            outcome = "REFUSED by Claude's rules, no API request"
        lines.append("%s  %-36s %-*s %s" % (
            call["start"][11:23], _short(call["tool"] or "", 36), width, _short(shown, width), outcome))
        for request in call["requests"]:
            lines.append("    %s  %s %s %s%s  %s" % (request["time"][11:23], request["code"], request["verb"],
                                                     request["resource"] or request["uri"],
                                                     (" " + "/".join(p for p in (request["namespace"], request["name"]) if p))
                                                     if request["namespace"] or request["name"] else "",
                                                     _short(request["user_agent"], 40)))
    if result["unexplained"]:
        lines.append("API requests by %s that no tool call explains:" % result["summary"]["service_account"])
        for request in result["unexplained"]:
            lines.append("    %s  %s %s %s %s  %s (%s)" % (
                request["time"][11:23], request["code"], request["verb"], request["resource"] or request["uri"],
                "/".join(p for p in (request["namespace"], request["name"]) if p),
                _short(request["user_agent"], 40), request["reason"]))
    summary = result["summary"]
    lines.append("%(tool_calls)d tool calls (%(refused)d refused by Claude, %(failed)d failed), %(api_requests)d API "
                 "requests (%(explained)d explained, %(unexplained)d not, %(background)d the MCP server's discovery, "
                 "%(denied)d denied by the API server); %(outside_record)d more by the ServiceAccount outside the "
                 "record's time" % summary)
    return lines
