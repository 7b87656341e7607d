#!/usr/bin/env python3
"""A scripted stand-in for the Anthropic Messages API, so the real `claude` runs whole agent loops offline.

Only the model cannot be reached here; everything else a test sees (claude, its tools, the MCP server, hooks,
permission rules) is real. The server answers `POST /v1/messages` as Claude Code 2.1.332 uses it (server-sent
events: message_start, content_block_start/delta/stop with text_delta or input_json_delta, message_delta with the
stop reason, message_stop; a plain JSON message when `stream` is false) and records every request.

Scripts: one file per script in the scripts directory, `<name>.json` (or `.yml` when PyYAML is there):
    {"turns": [[{"type": "tool_use", "name": "Bash", "input": {"command": "kubectl get pods -A"}}],
               [{"type": "text", "text": "Two pods run."}]]}
A request's `model` names its script (claude --model <name>, or ANTHROPIC_MODEL). The turn answered is the
number of assistant messages the request already holds, so the server keeps no state between requests or runs.
A model with no script, or a request past the last turn, gets one text block saying so.

Record: one JSON line per request (method, path, headers with credentials masked, each credential header's short
SHA-256 as `fingerprints`, body), appended to --record.

Hold: with --hold, every request (CONNECT included) is recorded and never answered, so the claude that sent it
stays alive long enough for a test to read its argv and environment, and the record says which credential it
sent (header names; values masked).

Usage: model.py serve --scripts DIR --record FILE [--host 127.0.0.1] [--port 18090] [--hold]   (foreground)
       model.py up    --scripts DIR --record FILE [--host 127.0.0.1] [--port 18090] [--hold] [--name model]
       model.py down  [--name model]
       model.py results FILE     what claude sent back, as JSON: tools offered, tool results, denials
"""
from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import pathlib
import sys
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cli  # noqa: E402
import service  # noqa: E402

STATE = pathlib.Path.home() / ".cache" / "ciab" / "model"
SECRET_HEADERS = ("x-api-key", "authorization", "proxy-authorization", "cookie")


def load_script(scripts: pathlib.Path, name: str) -> dict | None:
    """The script named `name` in `scripts`, or None. Names are plain file names: no path can be reached."""
    if not name or "/" in name or name.startswith("."):
        return None
    for suffix in (".json", ".yml", ".yaml"):
        path = scripts / f"{name}{suffix}"
        if path.is_file():
            if suffix == ".json":
                return json.loads(path.read_text())
            import yaml  # only for YAML scripts
            return yaml.safe_load(path.read_text())
    return None


def choose_turn(script: dict | None, body: dict) -> list[dict]:
    """The content blocks that answer `body`: turn N for a request holding N assistant messages."""
    model = body.get("model", "")
    if script is None:
        return [{"type": "text", "text": f"(scripted model: no script named {model!r})"}]
    turn = sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")
    turns = script.get("turns", [])
    if turn >= len(turns):
        return [{"type": "text", "text": f"(scripted model: script {model!r} has no turn {turn})"}]
    return turns[turn]


def message(blocks: list[dict], model: str, turn_id: str) -> dict:
    """A complete Messages API response holding `blocks` (tool_use blocks get ids)."""
    content = []
    for i, block in enumerate(blocks):
        if block.get("type") == "tool_use":
            content.append({"type": "tool_use", "id": block.get("id") or f"toolu_{turn_id}_{i}",
                            "name": block["name"], "input": block.get("input", {})})
        else:
            content.append({"type": "text", "text": block.get("text", "")})
    stop = "tool_use" if any(b["type"] == "tool_use" for b in content) else "end_turn"
    return {"id": f"msg_{turn_id}", "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 10, "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0}}


def events(msg: dict) -> list[tuple[str, dict]]:
    """The server-sent events that stream `msg`, as the Messages API sends them."""
    start = dict(msg, content=[], stop_reason=None, usage=dict(msg["usage"], output_tokens=1))
    out = [("message_start", {"type": "message_start", "message": start})]
    for i, block in enumerate(msg["content"]):
        if block["type"] == "tool_use":
            out.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                "content_block": dict(block, input={})}))
            out.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                "delta": {"type": "input_json_delta",
                                                          "partial_json": json.dumps(block["input"])}}))
        else:
            out.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                "content_block": {"type": "text", "text": ""}}))
            out.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                "delta": {"type": "text_delta", "text": block["text"]}}))
        out.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    out.append(("message_delta", {"type": "message_delta",
                                  "delta": {"stop_reason": msg["stop_reason"], "stop_sequence": None},
                                  "usage": {"output_tokens": msg["usage"]["output_tokens"]}}))
    out.append(("message_stop", {"type": "message_stop"}))
    return out


def mask_headers(headers) -> dict:
    return {k.lower(): (f"<masked, {len(v)} chars>" if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def fingerprints(headers) -> dict:
    """Each credential header's short SHA-256: a test can tell which credential arrived, the record keeps none."""
    return {k.lower(): hashlib.sha256(v.encode()).hexdigest()[:12] for k, v in headers.items()
            if k.lower() in SECRET_HEADERS}


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "ciab-scripted-model"
    scripts: pathlib.Path
    record: pathlib.Path
    lock = threading.Lock()
    counter = 0
    hold = False

    def log_message(self, fmt, *args):  # the record is the log
        pass

    def _record(self, body) -> None:
        line = json.dumps({"time": time.time(), "method": self.command, "path": self.path,
                           "headers": mask_headers(self.headers),
                           "fingerprints": fingerprints(self.headers), "body": body})
        with self.lock:
            with self.record.open("a") as fh:
                fh.write(line + "\n")

    def _reply(self, code: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _hold(self, body) -> None:
        """Record, then keep the client waiting (at most two minutes) without an answer."""
        self._record(body)
        self.connection.settimeout(120)
        try:
            while self.connection.recv(4096):
                pass
        except OSError:
            pass
        self.close_connection = True

    def do_CONNECT(self):  # noqa: N802
        if self.hold:
            return self._hold(None)
        self._record(None)
        return self._reply(405, {"type": "error", "error": {"type": "not_found_error", "message": "no proxy here"}})

    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path == "/health":
            return self._reply(200, {"ok": True})
        if self.hold:
            return self._hold(None)
        self._record(None)
        return self._reply(404, {"type": "error", "error": {"type": "not_found_error", "message": self.path}})

    def do_HEAD(self):  # noqa: N802
        self._record(None)
        self.send_response(404)
        self.end_headers()

    def do_POST(self):  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._record(raw.decode(errors="replace"))
            return self._reply(400, {"type": "error",
                                     "error": {"type": "invalid_request_error", "message": "body is not JSON"}})
        if self.hold:
            return self._hold(body)
        self._record(body)
        path = self.path.split("?", 1)[0]
        if path == "/v1/messages/count_tokens":
            return self._reply(200, {"input_tokens": 10})
        if path != "/v1/messages":
            return self._reply(404, {"type": "error", "error": {"type": "not_found_error", "message": path}})
        with self.lock:
            Handler.counter += 1
            turn_id = f"{Handler.counter:04d}"
        model = body.get("model", "")
        msg = message(choose_turn(load_script(self.scripts, model), body), model, turn_id)
        if not body.get("stream"):
            return self._reply(200, msg)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        for name, data in events(msg):
            self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()
        self.close_connection = True


def serve(scripts: pathlib.Path, record: pathlib.Path, host: str, port: int, hold: bool = False) -> None:
    Handler.hold = hold
    Handler.scripts = scripts.resolve()
    Handler.record = record.resolve()
    record.parent.mkdir(parents=True, exist_ok=True)
    record.touch()
    httpd = http.server.ThreadingHTTPServer((host, port), Handler)
    print(f"http://{host}:{httpd.server_address[1]}", flush=True)
    httpd.serve_forever()


SKILLS_HEADER = "The following skills are available for use with the Skill tool:"
SKILL_TEXT = "Base directory for this skill: "


def skills_listed(text: str) -> list[str]:
    """The skill names of Claude Code's list of skills ("- name: description" lines under its header)."""
    names = []
    for chunk in text.split(SKILLS_HEADER)[1:]:
        for line in chunk.lstrip("\n").splitlines():
            if not line.startswith("- "):
                break
            names.append(line[2:].split(":", 1)[0].strip())
    return names


def results(record: pathlib.Path) -> dict:
    """What claude sent back over a run, read from the record: what a test asserts on."""
    requests = [json.loads(line) for line in record.read_text().splitlines() if line.strip()]
    messages = [r["body"] for r in requests if r["method"] == "POST" and isinstance(r["body"], dict)
                and r["path"].split("?", 1)[0] == "/v1/messages"]
    uses, out, skills, loaded = {}, [], set(), {}
    for body in messages:
        for msg in body.get("messages", []):
            content = msg.get("content")
            if isinstance(content, str):
                content = [{"type": "text", "text": content}]
            if not isinstance(content, list):
                continue
            for block in content:
                if block.get("type") == "text":
                    text = block.get("text", "")
                    skills.update(skills_listed(text))
                    # a skill Claude loaded: its directory, then its SKILL.md body (front matter stripped)
                    if text.startswith(SKILL_TEXT):
                        where, dummy, body_text = text[len(SKILL_TEXT):].partition("\n")
                        loaded[where.rstrip("/").rsplit("/", 1)[-1]] = body_text.strip()
                elif block.get("type") == "tool_use":
                    uses[block["id"]] = block
                elif block.get("type") == "tool_result" and block["tool_use_id"] not in {r["id"] for r in out}:
                    text = block.get("content", "")
                    if isinstance(text, list):
                        text = "\n".join(part.get("text", "") for part in text if isinstance(part, dict))
                    use = uses.get(block["tool_use_id"], {})
                    out.append({"id": block["tool_use_id"], "name": use.get("name"), "input": use.get("input"),
                                "is_error": bool(block.get("is_error")), "text": text})
    last = messages[-1] if messages else {}
    return {"requests": len(requests), "messages_requests": len(messages),
            "models": sorted({b.get("model", "") for b in messages}),
            "tools_offered": sorted(t.get("name", "") for t in last.get("tools", [])),
            "skills_offered": sorted(skills), "skills_loaded": loaded,
            "tool_results": out}


def command(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name in ("serve", "up"):
        p = sub.add_parser(name)
        p.add_argument("--scripts", type=pathlib.Path, required=True)
        p.add_argument("--record", type=pathlib.Path, required=True)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=18090)
        p.add_argument("--hold", action="store_true")
        p.add_argument("--name", default="model")
    sub.add_parser("down").add_argument("--name", default="model")
    p = sub.add_parser("results")
    p.add_argument("record", type=pathlib.Path)
    parser.set_defaults(handler=act)


def act(args: argparse.Namespace) -> int:
    if args.cmd == "serve":
        serve(args.scripts, args.record, args.host, args.port, args.hold)
    elif args.cmd == "up":
        url = f"http://{args.host}:{args.port}"
        service.stop(args.name, STATE)  # a new script directory or record file needs a new server
        for dummy in range(50):
            if not service.answers(f"{url}/health"):
                break
            time.sleep(0.1)
        service.start(args.name, [sys.executable, __file__, "serve", "--scripts", str(args.scripts.resolve()),
                                  "--record", str(args.record.resolve()), "--host", args.host, "--port", str(args.port)]
                      + (["--hold"] if args.hold else []), f"{url}/health", STATE)
        print(url)
    elif args.cmd == "down":
        service.stop(args.name, STATE)
    else:
        print(json.dumps(results(args.record), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(cli.run(sys.modules[__name__]))
