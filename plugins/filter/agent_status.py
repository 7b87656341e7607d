# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: agent_status
short_description: One agent's status from the objects the status role reads
version_added: 0.3.0
description:
  - From the agent's StatefulSet and pod, the annotations of its credentials Secret, its operator-expiry CronJob,
    its egress proxy's ConfigMap and what the pod says of itself, the status the C(status) playbook prints, with
    one line per fact and the warnings.
options:
  _input:
    description: The StatefulSet (empty when there is none).
    type: dict
    required: true
  pod:
    description: The agent's pod, or empty.
    type: dict
    default: {}
  secret_annotations:
    description: The annotations of the credentials Secret (never its data), or empty.
    type: dict
    default: {}
  expiry_job:
    description: The operator-expiry CronJob, or empty.
    type: dict
    default: {}
  egress_config:
    description: The egress proxy's ConfigMap, or empty.
    type: dict
    default: {}
  probe:
    description: What the pod printed, one fact per line (state, login, the last audit line as JSON).
    type: str
    default: ""
  now:
    description: Seconds since the epoch.
    type: float
    required: true
"""

EXAMPLES = r"""
status: "{{ sts | ciab.claude_in_a_box.agent_status(pod=pod, probe=probe.stdout, now=now(utc=true).timestamp()) }}"
"""

RETURN = r"""
_value:
  description: C(mode), C(tier), C(tier_expires_at), C(image), C(pod), C(login), C(token), C(egress),
    C(last_activity), C(warnings) and C(lines).
  type: dict
"""

import datetime
import json
import re

from ansible_collections.ciab.claude_in_a_box.plugins.filter.token_expiry import token_expiry


def _env(sts):
    try:
        container = sts["spec"]["template"]["spec"]["containers"][0]
    except (KeyError, IndexError, TypeError):
        return {}, ""
    return {e["name"]: e.get("value") for e in container.get("env", []) if "name" in e}, container.get("image", "")


def _pod(pod):
    if not pod:
        return {"phase": "absent", "ready": False, "restarts": 0, "waiting": ""}
    statuses = (pod.get("status") or {}).get("containerStatuses") or [{}]
    waiting = ((statuses[0].get("state") or {}).get("waiting") or {}).get("reason", "")
    return {"phase": (pod.get("status") or {}).get("phase", "Unknown"), "ready": bool(statuses[0].get("ready")),
            "restarts": int(statuses[0].get("restartCount", 0)), "waiting": waiting}


def _probe(text):
    lines = [line.strip() for line in (text or "").splitlines()]
    state = lines[0] if lines and lines[0] else "unknown"
    login = {"login": "present", "no-login": "absent"}.get(lines[1] if len(lines) > 1 else "", "unknown")
    last = None
    if len(lines) > 2 and lines[2]:
        try:
            last = json.loads(lines[2])
        except ValueError:
            last = None
    return state, login, last


def _egress(env, config):
    squid = ((config or {}).get("data") or {}).get("squid.conf", "")
    match = re.search(r"^\s*acl allowed_hosts dstdomain -n (.+)$", squid, re.M)
    if match:
        return {"mode": "proxy", "hosts": match.group(1).split()}
    if env.get("HTTPS_PROXY"):
        return {"mode": "proxy", "hosts": []}
    return {"mode": "no proxy (cidr or open)", "hosts": []}


def _left(moment, now):
    try:
        end = datetime.datetime.strptime(moment, "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return None
    return int((end - datetime.datetime(1970, 1, 1)).total_seconds() - float(now))


def agent_status(sts, pod=None, secret_annotations=None, expiry_job=None, egress_config=None, probe="", now=0.0):
    env, image = _env(sts or {})
    state, login, last = _probe(probe)
    token = token_expiry((secret_annotations or {}).get("ciab.io/oauth-token-expires-at", ""), now)
    tier = env.get("CIAB_TIER", "unknown")
    # a CronJob left from an earlier operator grant says nothing about a reader
    expires = ((expiry_job or {}).get("metadata") or {}).get("annotations", {}).get("ciab.io/expires-at", "") \
        if tier == "operator" else ""
    left = _left(expires, now) if expires else None
    status = {
        "deployed": bool(sts),
        "mode": env.get("CLAUDE_MODE", "unknown"),
        "tier": tier,
        "tier_expires_at": expires,
        "image": image,
        "pod": dict(_pod(pod), state=state),
        "login": login,
        "token": token,
        "egress": _egress(env, egress_config),
        "last_activity": last,
        "warnings": [],
    }
    if not sts:
        status["warnings"].append("no agent deployed here")
    if token["message"]:
        status["warnings"].append(token["message"])
    if status["mode"] == "remote-control" and login == "absent":
        status["warnings"].append("Remote Control waits for a login: kubectl exec -it <pod> -- claude auth login")
    if left is not None and left <= 0:
        status["warnings"].append("operator access ended at %s; the revoker deletes its bindings within a minute" % expires)
    pod_status = status["pod"]
    last_text = ("%s %s%s" % (last.get("ts", "?"), last.get("event", "?"), (" " + last["tool"]) if last.get("tool") else "")
                 if last else "none recorded")
    if not expires:
        tier_end = ""
    elif left is not None and left <= 0:
        tier_end = " until %s (ended)" % expires
    elif left is not None:
        tier_end = " until %s (%d min left)" % (expires, left // 60)
    else:
        tier_end = " until %s (unknown)" % expires
    token_text = {"unknown": "none recorded",
                  "ok": "ends %s (%s days)" % (token["expires_at"], token["days_left"])}.get(token["state"], token["message"])
    status["lines"] = [
        "mode:          %s" % status["mode"],
        "tier:          %s%s" % (tier, tier_end),
        "image:         %s" % (image or "none"),
        "pod:           %s, %s%s, entrypoint %s, %d restarts" % (
            pod_status["phase"], "ready" if pod_status["ready"] else "not ready",
            (" (%s)" % pod_status["waiting"]) if pod_status["waiting"] else "", pod_status["state"],
            pod_status["restarts"]),
        "login:         %s" % login,
        "setup-token:   %s" % token_text,
        "egress:        %s%s" % (status["egress"]["mode"], (": " + ", ".join(status["egress"]["hosts"]))
                                 if status["egress"]["hosts"] else ""),
        "last activity: %s" % last_text,
    ]
    return status


class FilterModule(object):
    def filters(self):
        return {"agent_status": agent_status}
