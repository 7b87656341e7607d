#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: agent_audit
short_description: What the agent did, joined with what the API server saw
version_added: 0.3.0
description:
  - Reads the agent's own audit record (the JSON lines the image's managed hooks write for every session, tool call
    and refusal) from an agent pod's log or a file, and the Kubernetes API server's audit log from a KIND control
    plane or a file.
  - Returns a timeline, each tool call with the API requests it caused (verb, resource, namespace, name, response
    code), calls refused by Claude's own rules (which caused none), and the API requests by the agent's
    ServiceAccount that no tool call explains.
  - A request belongs to the call whose window (from its start to its end, widened by O(skew)) holds the time the
    API server received it and whose client made it (the MCP server for C(mcp__*) tools, the agent's processes
    for the others) from the agent's pod (its address, or its node's where the way to the API server is SNATed);
    when windows overlap, the call that started last wins.
  - Only reads; it runs the same way in check mode.
author:
  - claude-in-a-box contributors (@ciab)
options:
  record_pod:
    description:
      - Agent pod whose log holds the record (the StatefulSet's C(claude-agent-0), or an C(ask) Job's pod), read
        with C(kubectl logs). The container log is the copy the agent cannot edit.
      - Mutually exclusive with O(record_path).
    type: str
  record_container:
    description: Container of O(record_pod).
    type: str
    default: claude
  record_path:
    description:
      - A file holding the record - the rotated copy on the agent's volume, a saved pod log, or the result file of
        the C(ask) role (C(ask_result_file)), whose C(audit) list is the run's record.
    type: path
  namespace:
    description: Namespace of O(record_pod).
    type: str
    default: claude
  kubeconfig:
    description: Kubeconfig for C(kubectl logs); empty uses kubectl's own default.
    type: path
  context:
    description: Kubeconfig context; empty uses the current one.
    type: str
  audit_log_path:
    description:
      - The API server's audit log (JSON lines, C(--audit-log-path)) as a file on the managed host.
      - Mutually exclusive with O(audit_log_container).
    type: path
  audit_log_container:
    description: A container holding the audit log, read with C(docker exec), such as a KIND control plane node.
    type: str
  audit_log_container_path:
    description: Path of the audit log inside O(audit_log_container) (where the kind_cluster role writes it).
    type: str
    default: /var/log/kubernetes/audit/audit.log
  service_account:
    description:
      - The agent's ServiceAccount, as C(<namespace>:<name>); by default the one the record names.
    type: str
  skew:
    description: Seconds a request may fall outside a call's window (clock skew between the pod and the API server).
    type: float
    default: 1.0
  mcp_user_agent:
    description: Part of the user agent of the MCP server's requests, which tells them from kubectl's.
    type: str
    default: kubernetes-mcp-server
  kubectl:
    description: kubectl binary.
    type: path
    default: kubectl
  docker_cli:
    description: Docker CLI for O(audit_log_container).
    type: path
    default: docker
extends_documentation_fragment:
  - ciab.claude_in_a_box.attributes
  - ciab.claude_in_a_box.attributes.info_module
  - ciab.claude_in_a_box.attributes.actiongroup_k8s
notes:
  - The record holds redacted, truncated tool input and output; the audit log holds no request or response bodies
    (Metadata level).
  - Requests outside the record's time span are left out; the error says when the two do not overlap at all.
  - Where the cluster SNATs pod traffic to the API server to the node's address (KIND does), a request with the
    agent's token from another pod on the same node looks like the agent's; from anywhere else it is unexplained.
seealso:
  - name: Audit trail (README)
    description: The hooks, the API server's audit policy for any cluster, and the audit playbook.
    link: https://github.com/ciab/claude-in-a-box#audit-trail
"""

EXAMPLES = r"""
- name: Join the agent's record with the KIND cluster's audit log
  ciab.claude_in_a_box.agent_audit:
    record_pod: claude-agent-0
    namespace: claude
    kubeconfig: ~/.kube/ciab-claude-dev.yaml
    audit_log_container: claude-dev-control-plane
  register: audit

- name: The same from saved files, with more clock skew allowed
  ciab.claude_in_a_box.agent_audit:
    record_path: /tmp/agent.log
    audit_log_path: /var/log/kubernetes/audit/audit.log
    service_account: claude:claude-agent
    skew: 5
"""

RETURN = r"""
timeline:
  description: The tool calls in start order.
  returned: success
  type: list
  elements: dict
  contains:
    tool:
      description: Tool name (C(Bash), C(mcp__kubernetes__pods_list), ...).
      type: str
    input:
      description: The tool's input, redacted and truncated by the hook.
      type: raw
    start:
      description: When the call started (RFC 3339, UTC).
      type: str
    end:
      description: When it ended; null when it never ran or did not finish.
      type: str
    status:
      description: V(ok), V(error), V(refused) (by Claude's rules, before running) or V(unfinished).
      type: str
    exit_code:
      description: Exit code of a Bash call.
      type: int
    output:
      description: The redacted, truncated output (or the refusal's text).
      type: str
    requests:
      description: The API requests this call caused.
      type: list
      elements: dict
      sample:
        - {time: "2026-11-27T11:40:01.123456Z", verb: list, resource: pods, namespace: kube-system, name: "", code: 200}
unexplained:
  description: API requests by the ServiceAccount during the record that no tool call explains, each with a reason.
  returned: success
  type: list
  elements: dict
background:
  description:
    - The MCP server's reads of the API's discovery documents (C(/api), C(/apis)) outside any tool call, which it
      makes when it starts; they carry no cluster data.
  returned: success
  type: list
  elements: dict
sessions:
  description: Claude sessions in the record (session id, start, end).
  returned: success
  type: list
  elements: dict
summary:
  description:
    - Counts of tool calls, refusals, API requests explained and not, requests the API server denied, the MCP
      server's discovery reads, and the ServiceAccount's requests outside the record's time span (C(outside_record)).
  returned: success
  type: dict
table:
  description: The timeline as lines of text, for a person.
  returned: success
  type: list
  elements: str
malformed_lines:
  description: Lines of either input that could not be read, each as C(<source> line <n> - <reason>), left out of the join.
  returned: success
  type: list
  elements: str
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.ciab.claude_in_a_box.plugins.module_utils._audit import (
    AuditError, join, read_api_audit, read_record, record_file_lines, table)


def _read_file(module, path, what):
    if not os.path.isfile(path):
        module.fail_json(msg="%s %s does not exist (or is not a file)" % (what, path))
    try:
        with open(path, "r", errors="replace") as handle:
            return handle.read().splitlines()
    except (IOError, OSError) as exc:
        module.fail_json(msg="cannot read %s %s: %s" % (what, path, exc))


def _run(module, argv, what):
    rc, out, err = module.run_command(argv, check_rc=False)
    if rc != 0:
        module.fail_json(msg="cannot read %s: %s exited %s: %s" % (
            what, " ".join(argv[:3]), rc, (err or out).strip()[:400]))
    return out.splitlines()


def main():
    module = AnsibleModule(
        argument_spec=dict(
            record_pod=dict(type="str"),
            record_container=dict(type="str", default="claude"),
            record_path=dict(type="path"),
            namespace=dict(type="str", default="claude"),
            kubeconfig=dict(type="path"),
            context=dict(type="str"),
            audit_log_path=dict(type="path"),
            audit_log_container=dict(type="str"),
            audit_log_container_path=dict(type="str", default="/var/log/kubernetes/audit/audit.log"),
            service_account=dict(type="str"),
            skew=dict(type="float", default=1.0),
            mcp_user_agent=dict(type="str", default="kubernetes-mcp-server"),
            kubectl=dict(type="path", default="kubectl"),
            docker_cli=dict(type="path", default="docker"),
        ),
        mutually_exclusive=[("record_pod", "record_path"), ("audit_log_path", "audit_log_container")],
        required_one_of=[("record_pod", "record_path"), ("audit_log_path", "audit_log_container")],
        supports_check_mode=True,
    )
    p = module.params
    if p["skew"] < 0:
        module.fail_json(msg="skew must be 0 or more seconds, got %s" % p["skew"])

    if p["record_path"]:
        record_source = "record file %s" % p["record_path"]
        record_lines = record_file_lines(_read_file(module, p["record_path"], "the record file"))
    else:
        record_source = "the log of pod %s/%s" % (p["namespace"], p["record_pod"])
        argv = [module.get_bin_path(p["kubectl"], required=True)]
        if p["kubeconfig"]:
            argv += ["--kubeconfig", p["kubeconfig"]]
        if p["context"]:
            argv += ["--context", p["context"]]
        argv += ["logs", "-n", p["namespace"], p["record_pod"], "-c", p["record_container"]]
        record_lines = _run(module, argv, record_source)

    if p["audit_log_path"]:
        audit_source = "audit log %s" % p["audit_log_path"]
        audit_lines = _read_file(module, p["audit_log_path"], "the audit log")
    else:
        audit_source = "audit log %s in container %s" % (p["audit_log_container_path"], p["audit_log_container"])
        docker = module.get_bin_path(p["docker_cli"], required=True)
        audit_lines = _run(module, [docker, "exec", p["audit_log_container"], "cat", p["audit_log_container_path"]],
                           audit_source)

    record, bad_record = read_record(record_lines)
    api_events, bad_audit = read_api_audit(audit_lines)
    malformed = (["%s line %d - %s" % (record_source, n, why) for n, why in bad_record]
                 + ["%s line %d - %s" % (audit_source, n, why) for n, why in bad_audit])
    for line in malformed[:5]:
        module.warn("left out: " + line)
    if len(malformed) > 5:
        module.warn("left out %d more unreadable lines (malformed_lines)" % (len(malformed) - 5))
    try:
        result = join(record, api_events, service_account=p["service_account"], skew=p["skew"],
                      mcp_user_agent=p["mcp_user_agent"], record_source=record_source, audit_source=audit_source)
    except AuditError as exc:
        module.fail_json(msg=str(exc), malformed_lines=malformed)
    module.exit_json(changed=False, table=table(result), malformed_lines=malformed, **result)


if __name__ == "__main__":
    main()
