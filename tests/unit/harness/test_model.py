"""The scripted model server (tests/harness/model.py): turn choice, the event stream, masking, the record and
what `results` reads from it. The real `claude` drives it in the image scenario; here a plain HTTP client does."""
import http.client
import json
import pathlib
import sys
import threading

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "harness"))
import model  # noqa: E402

SCRIPT = {"turns": [[{"type": "text", "text": "Looking."},
                     {"type": "tool_use", "name": "Bash", "input": {"command": "kubectl get pods -A"}}],
                    [{"type": "text", "text": "Two pods."}]]}
ASSISTANT = {"role": "assistant", "content": [{"type": "text", "text": "x"}]}
USER = {"role": "user", "content": "hi"}


@pytest.mark.parametrize("messages,expected", [
    ([USER], SCRIPT["turns"][0]),
    ([USER, ASSISTANT, USER], SCRIPT["turns"][1]),
    ([USER, {"role": "system", "content": "reminder"}, ASSISTANT, USER], SCRIPT["turns"][1]),
])
def test_turn_is_the_number_of_assistant_messages(messages, expected):
    assert model.choose_turn(SCRIPT, {"model": "s", "messages": messages}) == expected


@pytest.mark.parametrize("script,messages,says", [
    (None, [USER], "no script named 'other'"),
    (SCRIPT, [USER, ASSISTANT, USER, ASSISTANT, USER], "script 'other' has no turn 2"),
])
def test_missing_script_or_turn_answers_with_text(script, messages, says):
    (block,) = model.choose_turn(script, {"model": "other", "messages": messages})
    assert block["type"] == "text" and says in block["text"]


@pytest.mark.parametrize("name", ["../etc/passwd", ".hidden", "", "a/b"])
def test_script_names_cannot_leave_the_directory(tmp_path, name):
    assert model.load_script(tmp_path, name) is None


def test_events_stream_a_tool_use_turn_as_the_api_does():
    msg = model.message(SCRIPT["turns"][0], "s", "0001")
    assert msg["stop_reason"] == "tool_use" and msg["content"][1]["id"] == "toolu_0001_1"
    names = [name for name, dummy in model.events(msg)]
    assert names == ["message_start", "content_block_start", "content_block_delta", "content_block_stop",
                     "content_block_start", "content_block_delta", "content_block_stop", "message_delta",
                     "message_stop"]
    deltas = [data["delta"] for name, data in model.events(msg) if name == "content_block_delta"]
    assert deltas[0] == {"type": "text_delta", "text": "Looking."}
    assert json.loads(deltas[1]["partial_json"]) == {"command": "kubectl get pods -A"}
    assert model.message(SCRIPT["turns"][1], "s", "0002")["stop_reason"] == "end_turn"


def test_credentials_are_masked():
    masked = model.mask_headers({"X-Api-Key": "sk-ant-secret", "Authorization": "Bearer abc", "Accept": "*/*"})
    assert masked == {"x-api-key": "<masked, 13 chars>", "authorization": "<masked, 10 chars>", "accept": "*/*"}


@pytest.fixture()
def server(tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "s.json").write_text(json.dumps(SCRIPT))
    model.Handler.scripts = tmp_path / "scripts"
    model.Handler.record = tmp_path / "record.jsonl"
    httpd = model.http.server.ThreadingHTTPServer(("127.0.0.1", 0), model.Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1], tmp_path / "record.jsonl"
    httpd.shutdown()


def post(port, body, key="sk-ant-api03-planted"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("POST", "/v1/messages?beta=true", json.dumps(body),
                 {"content-type": "application/json", "x-api-key": key})
    resp = conn.getresponse()
    return resp.status, resp.getheader("content-type"), resp.read().decode()


def test_a_two_turn_run_is_answered_and_recorded(server):
    port, record = server
    status, ctype, text = post(port, {"model": "s", "stream": True, "messages": [USER],
                                      "tools": [{"name": "Bash"}, {"name": "mcp__kubernetes__pods_list"}]})
    assert status == 200 and ctype == "text/event-stream"
    events = [json.loads(line[len("data: "):]) for line in text.splitlines() if line.startswith("data: ")]
    tool = events[4]["content_block"]
    assert tool["type"] == "tool_use" and tool["name"] == "Bash"
    reply = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": tool["id"], "is_error": True,
                                          "content": [{"type": "text", "text": "needs approval"}]}]}
    assistant = {"role": "assistant", "content": [{"type": "tool_use", "id": tool["id"], "name": "Bash",
                                                   "input": {"command": "kubectl get pods -A"}}]}
    status, ctype, text = post(port, {"model": "s", "stream": False, "messages": [USER, assistant, reply],
                                      "tools": [{"name": "Bash"}]})
    assert status == 200 and json.loads(text)["content"] == [{"type": "text", "text": "Two pods."}]
    assert "sk-ant-api03-planted" not in record.read_text()
    got = model.results(record)
    assert got["messages_requests"] == 2 and got["models"] == ["s"] and got["tools_offered"] == ["Bash"]
    assert got["tool_results"] == [{"id": tool["id"], "name": "Bash", "input": {"command": "kubectl get pods -A"},
                                    "is_error": True, "text": "needs approval"}]


def test_a_body_that_is_not_json_is_refused_and_recorded(server):
    port, record = server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("POST", "/v1/messages", b"{not json", {"content-type": "application/json"})
    assert conn.getresponse().status == 400
    assert json.loads(record.read_text().splitlines()[-1])["body"] == "{not json"


def test_results_name_the_skills_offered_and_the_ones_loaded(tmp_path):
    listing = ("<system-reminder>\n" + model.SKILLS_HEADER + "\n\n- k8s-dns: Diagnose DNS: lookups\n"
               "- k8s-crashloop: Diagnose a pod\n\nOther text\n- not-a-skill: after the list\n</system-reminder>")
    loaded = model.SKILL_TEXT + "/etc/claude-code/.claude/skills/k8s-dns\n\n# DNS in the cluster\n1. step"
    body = {"model": "m", "messages": [
        {"role": "user", "content": [{"type": "text", "text": listing}, {"type": "text", "text": "hi"}]},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Skill", "input": {"skill": "k8s-dns"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "Launching skill: k8s-dns"},
                                     {"type": "text", "text": loaded}]}]}
    record = tmp_path / "record.jsonl"
    record.write_text(json.dumps({"method": "POST", "path": "/v1/messages?beta=true", "headers": {}, "body": body}) + "\n")
    got = model.results(record)
    assert got["skills_offered"] == ["k8s-crashloop", "k8s-dns"]
    assert got["skills_loaded"] == {"k8s-dns": "# DNS in the cluster\n1. step"}
    assert got["tool_results"][0]["text"] == "Launching skill: k8s-dns"
