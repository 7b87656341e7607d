# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: claude_run
short_description: Summarise the stream-json output of a headless claude run
version_added: 0.1.0
description:
  - Reads the lines C(claude -p --output-format stream-json --verbose) printed and returns the final answer, each
    tool call with its result, the permission refusals and the run's figures. Lines that are not JSON (the
    entrypoint's own messages, a crash) are kept apart, never fatal.
options:
  _input:
    description: The run's output, one string or a list of lines.
    type: raw
    required: true
"""

EXAMPLES = r"""
summary: "{{ job_log.log_lines | ciab.claude_in_a_box.claude_run }}"
"""

RETURN = r"""
_value:
  description: The run, summarised.
  type: dict
  contains:
    finished:
      description: Whether the run printed its final C(result) line.
      type: bool
    answer:
      description: The final answer (the C(result) text).
      type: str
    is_error:
      description: Whether claude reported the run as failed.
      type: bool
    subtype:
      description: C(success), or the kind of failure (C(error_max_turns), C(error_during_execution), ...).
      type: str
    tool_calls:
      description: Each tool call in order, with C(name), C(input), C(is_error) and C(result) (truncated to 2000 characters).
      type: list
      elements: dict
    permission_denials:
      description: The calls Claude's permission rules refused (C(tool_name), C(tool_input)).
      type: list
      elements: dict
    num_turns:
      description: Model turns.
      type: int
    duration_ms:
      description: Wall time claude reported.
      type: int
    total_cost_usd:
      description: Cost claude reported.
      type: float
    audit:
      description:
        - The run's audit record (the C(ciab_audit) lines the image's managed hooks write to the container log),
          already redacted by the hook.
      type: list
      elements: dict
    other_lines:
      description: Lines that were not JSON (at most the last 20).
      type: list
      elements: str
"""

import json

RESULT_LIMIT = 2000


def _text(content):
    if isinstance(content, list):
        return "\n".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else json.dumps(content)


def claude_run(output):
    lines = output.splitlines() if isinstance(output, str) else list(output or [])
    calls, by_id, other, audit, final = [], {}, [], [], None
    for line in lines:
        line = line.strip()
        if not line:
            continue
        try:
            event = json.loads(line)
        except ValueError:
            other.append(line)
            continue
        if not isinstance(event, dict):
            other.append(line)
            continue
        if "ciab_audit" in event:
            audit.append(event)
            continue
        message = event.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        if event.get("type") == "assistant" and isinstance(content, list):
            for block in content:
                if isinstance(block, dict) and block.get("type") == "tool_use":
                    call = {"name": block.get("name"), "input": block.get("input"), "is_error": None, "result": None}
                    by_id[block.get("id")] = call
                    calls.append(call)
        elif event.get("type") == "user" and isinstance(content, list):
            for block in content:
                if isinstance(block, dict) and block.get("type") == "tool_result" and block.get("tool_use_id") in by_id:
                    call = by_id[block["tool_use_id"]]
                    call["is_error"] = bool(block.get("is_error"))
                    call["result"] = _text(block.get("content", ""))[:RESULT_LIMIT]
        elif event.get("type") == "result":
            final = event
    final = final or {}
    return {
        "finished": bool(final),
        "answer": final.get("result", ""),
        "is_error": bool(final.get("is_error", not final)),
        "subtype": final.get("subtype", "no-result"),
        "tool_calls": calls,
        "permission_denials": final.get("permission_denials", []),
        "num_turns": final.get("num_turns", 0),
        "duration_ms": final.get("duration_ms", 0),
        "total_cost_usd": final.get("total_cost_usd", 0.0),
        "audit": audit,
        "other_lines": other[-20:],
    }


class FilterModule(object):
    def filters(self):
        return {"claude_run": claude_run}
