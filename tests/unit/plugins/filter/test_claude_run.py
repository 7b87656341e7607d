"""The claude_run filter reads a headless run's stream-json output (shapes as claude 2.1.332 prints them)."""
import json

import pytest

from ansible_collections.ciab.claude_in_a_box.plugins.filter.claude_run import claude_run

USE = {"type": "assistant", "message": {"content": [
    {"type": "text", "text": "Looking."},
    {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "kubectl get pods"}},
    {"type": "tool_use", "id": "t2", "name": "mcp__kubernetes__pods_delete", "input": {"name": "x"}}]}}
RESULTS = {"type": "user", "message": {"content": [
    {"type": "tool_result", "tool_use_id": "t1", "content": "pod/a", "is_error": False},
    {"type": "tool_result", "tool_use_id": "t2", "is_error": True,
     "content": [{"type": "text", "text": "Permission to use mcp__kubernetes__pods_delete has been denied."}]}]}}
FINAL = {"type": "result", "subtype": "success", "is_error": False, "result": "One pod.", "num_turns": 2,
         "duration_ms": 140, "total_cost_usd": 0.0005,
         "permission_denials": [{"tool_name": "mcp__kubernetes__pods_delete", "tool_input": {"name": "x"}}]}


def lines(*events):
    return [json.dumps(e) for e in events]


@pytest.mark.parametrize("output,expect", [
    ("\n".join(lines(USE, RESULTS, FINAL)),
     {"finished": True, "answer": "One pod.", "is_error": False, "num_turns": 2,
      "calls": [("Bash", False, "pod/a"),
                ("mcp__kubernetes__pods_delete", True, "Permission to use mcp__kubernetes__pods_delete has been denied.")]}),
    (["ciab: mode headless: exec claude -p"] + lines(USE),
     {"finished": False, "answer": "", "is_error": True, "num_turns": 0,
      "calls": [("Bash", None, None), ("mcp__kubernetes__pods_delete", None, None)]}),
    ([], {"finished": False, "answer": "", "is_error": True, "num_turns": 0, "calls": []}),
    (lines({"type": "system", "message": "a plain string"}, {"type": "user", "message": {"content": "the prompt"}},
           {"type": "assistant", "message": {"content": ["not a block"]}}, FINAL),
     {"finished": True, "answer": "One pod.", "is_error": False, "num_turns": 2, "calls": []}),
    (["not json", "[1, 2]", ""] + lines(FINAL),
     {"finished": True, "answer": "One pod.", "is_error": False, "num_turns": 2, "calls": []}),
])
def test_claude_run(output, expect):
    got = claude_run(output)
    assert {k: got[k] for k in ("finished", "answer", "is_error", "num_turns")} == {
        k: expect[k] for k in ("finished", "answer", "is_error", "num_turns")}
    assert [(c["name"], c["is_error"], c["result"]) for c in got["tool_calls"]] == expect["calls"]


def test_lines_that_are_not_json_are_kept_apart():
    got = claude_run(["ciab: waiting", "not json"] + lines(FINAL))
    assert got["other_lines"] == ["ciab: waiting", "not json"]
    assert got["permission_denials"][0]["tool_name"] == "mcp__kubernetes__pods_delete"


def test_long_results_are_truncated():
    long = dict(RESULTS, message={"content": [{"type": "tool_result", "tool_use_id": "t1", "content": "x" * 5000}]})
    assert len(claude_run(lines(USE, long))["tool_calls"][0]["result"]) == 2000


def test_audit_lines_are_kept_apart_from_the_run():
    audit = {"ciab_audit": 1, "event": "PostToolUse", "tool": "Bash", "ts": "2026-11-27T12:00:00Z"}
    run = claude_run(lines(audit, USE, RESULTS, audit, FINAL))
    assert run["audit"] == [audit, audit]
    assert [c["name"] for c in run["tool_calls"]] == ["Bash", "mcp__kubernetes__pods_delete"] and run["finished"]
