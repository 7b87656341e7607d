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
    image, security context, MCP config and managed settings, credential broker and NetworkPolicy (its labels),
    by construction. It changes only what a one-shot run needs - headless mode with the prompt, no probes, no
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
  broker:
    description:
      - The credential broker's parts, as the StatefulSet's C(ciab.io/credential-broker) annotation holds them
        (C(container), C(volume), C(env)). The run gets the broker as a native sidecar that alone mounts the
        credentials Secret, and claude gets only the broker's loopback address, so no credential reaches a process
        the agent can inspect. Empty gives the run no credential.
    type: dict
    default: {}
  credentials_secret:
    description:
      - The credentials Secret the StatefulSet's C(ciab.io/credentials-secret) annotation names. The broker's volume
        must be that Secret, and its other parts what the chart writes, or the filter fails.
    type: str
    default: ""
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
import re

from ansible.errors import AnsibleFilterError

# The agent's own variables that a one-shot run replaces. Credentials never reach claude's container: a value left
# there by hand is dropped, and the broker's parts add what claude needs instead.
REPLACED = ("CLAUDE_MODE", "CLAUDE_PROMPT", "CLAUDE_PROMPT_FILE", "ANTHROPIC_MODEL", "CLAUDE_CREDENTIAL_TIMEOUT",
            "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CIAB_OAUTH_TOKEN_EXPIRES_AT",
            "CIAB_CREDENTIAL_BROKER")
# A self-hosted runner's secret, port and limits are no business of a one-shot run.
RUNNER_VOLUME = "runner-secret"
# The chart's names for the broker's container and volume: an interactive agent's pod has them; the run takes the
# broker from its parts (or has none).
BROKER_NAMES = {"credential-broker", "credentials"}
# A run without a usable credential stops soon instead of waiting for a login nobody will make.
CREDENTIAL_TIMEOUT = "10"


BROKER_COMMAND = ["/usr/local/bin/ciab-credential-broker", "serve"]
BROKER_KEYS = {"name", "image", "imagePullPolicy", "restartPolicy", "command", "env", "securityContext", "startupProbe",
               "livenessProbe", "resources", "volumeMounts"}
BROKER_ENV = {"CIAB_BROKER_PORT", "CIAB_BROKER_UPSTREAM", "CIAB_BROKER_SECRET_DIR", "CIAB_BROKER_ALLOW_HTTP",
              "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"}
CLAUDE_BROKER_ENV = {"CIAB_CREDENTIAL_BROKER", "CIAB_OAUTH_TOKEN_EXPIRES_AT"}


def check_broker(broker, claude, credentials_secret):
    """The annotation's parts are taken only as the chart writes them: anyone who may patch the StatefulSet's
    metadata must not get a Job that mounts another Secret, runs another image or command, or hands claude more."""
    container, volume, env = broker.get("container") or {}, broker.get("volume") or {}, broker.get("env") or []
    problems = []
    if set(broker) != {"container", "volume", "env"}:
        problems.append("parts %s (container, volume, env)" % sorted(broker))
    if not set(container) <= BROKER_KEYS:
        problems.append("container fields %s" % sorted(set(container) - BROKER_KEYS))
    if container.get("name") != "credential-broker" or container.get("command") != BROKER_COMMAND:
        problems.append("container %r running %r" % (container.get("name"), container.get("command")))
    if container.get("image") != claude.get("image"):
        problems.append("image %r, not claude's %r" % (container.get("image"), claude.get("image")))
    security = container.get("securityContext") or {}
    if security.get("runAsUser") in (None, 0, (claude.get("securityContext") or {}).get("runAsUser", 1000), 1000) \
            or security.get("allowPrivilegeEscalation") is not False:
        problems.append("securityContext %r" % (security,))
    if not {e.get("name") for e in container.get("env") or []} <= BROKER_ENV \
            or any("valueFrom" in e for e in container.get("env") or []):
        problems.append("container env %s" % sorted(e.get("name") for e in container.get("env") or []))
    if volume != {"name": "credentials", "secret": {"secretName": credentials_secret, "defaultMode": 0o440}}:
        problems.append("volume %r, not the Secret %r" % (volume, credentials_secret))
    if container.get("volumeMounts") != [{"name": "credentials", "mountPath": "/run/secrets/ciab-credentials",
                                          "readOnly": True}]:
        problems.append("mounts %r" % (container.get("volumeMounts"),))
    if not {e.get("name") for e in env} <= CLAUDE_BROKER_ENV or not any(
            e.get("name") == "CIAB_CREDENTIAL_BROKER" and re.match(r"^http://127\.0\.0\.1:[0-9]{1,5}$", e.get("value", ""))
            for e in env):
        problems.append("claude env %r" % (env,))
    if problems:
        raise AnsibleFilterError("the StatefulSet's ciab.io/credential-broker annotation is not what the chart writes ("
                                 + "; ".join(problems) + "): deploy the agent again")


def headless_job(sts, name, prompt, model="", extra_env=None, timeout=600, ttl=600, broker=None,
                 credentials_secret=""):
    template = copy.deepcopy(sts["spec"]["template"])
    spec = template["spec"]
    container = spec["containers"][0]
    if broker:
        check_broker(broker, container, credentials_secret)
    for key in ("livenessProbe", "readinessProbe", "startupProbe", "stdin", "tty", "stdinOnce"):
        container.pop(key, None)
    container.pop("ports", None)
    extra = dict(extra_env or {})
    broker = copy.deepcopy(broker or {})
    ours = BROKER_NAMES | {part["name"] for part in (broker.get("container"), broker.get("volume")) if part}
    env = [e for e in container.get("env", []) if e["name"] not in REPLACED and e["name"] not in extra
           and not e["name"].startswith("CLAUDE_RUNNER_")]
    dropped = {RUNNER_VOLUME} | ours
    container["volumeMounts"] = [m for m in container.get("volumeMounts", []) if m["name"] not in dropped]
    spec["volumes"] = [v for v in spec.get("volumes", []) if v["name"] not in dropped]
    init = [c for c in spec.get("initContainers", []) if c["name"] not in ours]
    env += [{"name": "CLAUDE_MODE", "value": "headless"}, {"name": "CLAUDE_PROMPT", "value": prompt},
            {"name": "CLAUDE_CREDENTIAL_TIMEOUT", "value": CREDENTIAL_TIMEOUT}]
    if model:
        env.append({"name": "ANTHROPIC_MODEL", "value": model})
    if broker:
        init.append(broker["container"])
        spec["volumes"].append(broker["volume"])
        env += [e for e in broker.get("env", []) if e["name"] not in extra]
    env += [{"name": k, "value": str(v)} for k, v in sorted(extra.items())]
    container["env"] = env
    if init:
        spec["initContainers"] = init
    else:
        spec.pop("initContainers", None)
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
