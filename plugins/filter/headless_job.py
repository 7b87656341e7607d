# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: headless_job
short_description: A Job that runs one headless claude question with the identity of a deployed agent
version_added: 0.1.0
description:
  - Builds the Job from the agent StatefulSet's own pod template, so the run has the agent's ServiceAccount,
    image, security context, MCP config and managed settings, credentials and NetworkPolicy (its labels), by
    construction. It changes only what a one-shot run needs - headless mode with the prompt, no probes, no
    terminal, a scratch config directory instead of the agent's login volume, C(restartPolicy=Never), a deadline
    and a time to live.
options:
  _input:
    description: The agent's StatefulSet, as the API server returns it.
    type: dict
    required: true
  name:
    description: Name of the Job.
    type: str
    required: true
  prompt:
    description: The question (C(CLAUDE_PROMPT)).
    type: str
    required: true
  model:
    description: Model name (C(ANTHROPIC_MODEL)); empty keeps Claude's default.
    type: str
    default: ""
  extra_env:
    description: More environment variables (name to value).
    type: dict
    default: {}
  credentials_secret:
    description:
      - Secret holding the headless credentials; the run gets C(credential_keys) from it as variables. The agent's
        own pod does not carry them in every mode, so they are never taken from its template.
    type: str
    default: ""
  credential_keys:
    description:
      - Keys of C(credentials_secret) to expose (C(CLAUDE_CODE_OAUTH_TOKEN), C(ANTHROPIC_API_KEY), and the token's
        end C(CIAB_OAUTH_TOKEN_EXPIRES_AT)).
    type: list
    elements: str
    default: []
  timeout:
    description: C(activeDeadlineSeconds).
    type: int
    default: 600
  ttl:
    description: C(ttlSecondsAfterFinished).
    type: int
    default: 600
"""

EXAMPLES = r"""
definition: "{{ sts | ciab.claude_in_a_box.headless_job('claude-agent-ask-1', 'Why is web-0 pending?') }}"
"""

RETURN = r"""
_value:
  description: The Job.
  type: dict
"""

import copy

# The agent's own variables that a one-shot run replaces.
REPLACED = ("CLAUDE_MODE", "CLAUDE_PROMPT", "CLAUDE_PROMPT_FILE", "ANTHROPIC_MODEL", "CLAUDE_CREDENTIAL_TIMEOUT",
            "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY", "CIAB_OAUTH_TOKEN_EXPIRES_AT")
# The credentials, and the token's end (not secret; the entrypoint warns when it is near).
CREDENTIALS = ("CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY", "CIAB_OAUTH_TOKEN_EXPIRES_AT")
# A self-hosted runner's secret, port and limits are no business of a one-shot run.
RUNNER_VOLUME = "runner-secret"
# A run without a usable credential stops soon instead of waiting for a login nobody will make.
CREDENTIAL_TIMEOUT = "10"


def headless_job(sts, name, prompt, model="", extra_env=None, timeout=600, ttl=600, credentials_secret="",
                 credential_keys=None):
    template = copy.deepcopy(sts["spec"]["template"])
    spec = template["spec"]
    container = spec["containers"][0]
    for key in ("livenessProbe", "readinessProbe", "startupProbe", "stdin", "tty", "stdinOnce"):
        container.pop(key, None)
    container.pop("ports", None)
    extra = dict(extra_env or {})
    env = [e for e in container.get("env", []) if e["name"] not in REPLACED and e["name"] not in extra
           and not e["name"].startswith("CLAUDE_RUNNER_")]
    container["volumeMounts"] = [m for m in container.get("volumeMounts", []) if m["name"] != RUNNER_VOLUME]
    spec["volumes"] = [v for v in spec.get("volumes", []) if v["name"] != RUNNER_VOLUME]
    env += [{"name": "CLAUDE_MODE", "value": "headless"}, {"name": "CLAUDE_PROMPT", "value": prompt},
            {"name": "CLAUDE_CREDENTIAL_TIMEOUT", "value": CREDENTIAL_TIMEOUT}]
    if model:
        env.append({"name": "ANTHROPIC_MODEL", "value": model})
    if credentials_secret:
        env += [{"name": key, "valueFrom": {"secretKeyRef": {"name": credentials_secret, "key": key}}}
                for key in CREDENTIALS if key in (credential_keys or []) and key not in extra]
    env += [{"name": k, "value": str(v)} for k, v in sorted(extra.items())]
    container["env"] = env
    # The login volume belongs to the agent's pod (ReadWriteOnce): the run gets a scratch config directory.
    claims = {c["metadata"]["name"] for c in sts["spec"].get("volumeClaimTemplates", [])}
    spec["volumes"] = [v for v in spec.get("volumes", []) if v["name"] not in claims]
    spec["volumes"] += [{"name": claim, "emptyDir": {}} for claim in sorted(claims)]
    spec["restartPolicy"] = "Never"
    labels = dict(template.get("metadata", {}).get("labels", {}), **{"ciab.io/run": "ask"})
    template["metadata"] = {"labels": labels}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "namespace": sts["metadata"]["namespace"],
                     "labels": dict(sts["metadata"].get("labels", {}), **{"ciab.io/run": "ask"})},
        "spec": {"backoffLimit": 0, "activeDeadlineSeconds": int(timeout), "ttlSecondsAfterFinished": int(ttl),
                 "template": template},
    }


class FilterModule(object):
    def filters(self):
        return {"headless_job": headless_job}
