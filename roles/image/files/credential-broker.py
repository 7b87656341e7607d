#!/usr/bin/python3 -I
"""ciab-credential-broker: gives the model API its credential, so the agent never holds one.

It runs in its own container of the agent's pod (its own user, its own mounts, no shared process namespace) and
listens on loopback only. claude is pointed at it (ANTHROPIC_BASE_URL=http://127.0.0.1:<port>) with a placeholder
of the right kind; the broker removes whatever credential header a request carries, adds the real one read from
its Secret's files, and forwards the request to the upstream (the Messages API, or a gateway in front of it),
through the standard proxy variables. So the token is in no variable, file or process the agent can read: the
agent can only ask the model, as it could anyway.

What passes is narrow: GET, POST or HEAD of a path under /v1/ or /api/ (the API's own), a request line and headers
of plain tokens and printable values (no bare line feed or control byte that a lenient parser downstream could read
as a second request), a body framed by Content-Length and forwarded to its last byte and no further. One request
per connection (Connection: close both ways): bytes a client sends past its body are never forwarded. The
upstream must not be this pod's loopback (the agent shares it), and plain http needs CIAB_BROKER_ALLOW_HTTP=1 (the
credential would cross the network in clear). The credential files are read at every request: a rotated Secret is
used as soon as the kubelet updates the volume.

Runs on Debian's python3-minimal (no json, http or email module): sockets, ssl and threads only.

Usage: ciab-credential-broker serve     listen and forward (settings below)
       ciab-credential-broker check     exit 0 when a broker answers on the port (a probe)
       ciab-credential-broker kind      print the credential's kind (oauth or api-key) as the broker sees it
Settings (variables): CIAB_BROKER_PORT (18081), CIAB_BROKER_UPSTREAM (https://api.anthropic.com),
CIAB_BROKER_SECRET_DIR (/run/secrets/ciab-credentials: files ANTHROPIC_API_KEY and/or CLAUDE_CODE_OAUTH_TOKEN; else
variables of those names), CIAB_BROKER_ALLOW_HTTP, HTTPS_PROXY / HTTP_PROXY / NO_PROXY, SSL_CERT_FILE.
"""
import ipaddress
import os
import re
import signal
import socket
import ssl
import sys
import threading
import time
from urllib.parse import urlsplit

DEFAULT_PORT = 18081
DEFAULT_UPSTREAM = "https://api.anthropic.com"
DEFAULT_SECRET_DIR = "/run/secrets/ciab-credentials"
# Claude Code's own precedence: an API key wins over a setup-token.
KINDS = (("ANTHROPIC_API_KEY", "api-key"), ("CLAUDE_CODE_OAUTH_TOKEN", "oauth"))
# Never forwarded: credentials of any kind (the broker adds its own), hop-by-hop headers, and what would make a
# proxy on the way answer by itself (Max-Forwards) or change the framing (Expect: the broker answers 100 itself).
DROPPED = {"authorization", "x-api-key", "proxy-authorization", "cookie", "connection", "keep-alive",
           "proxy-connection", "te", "trailer", "upgrade", "host", "max-forwards", "expect", "via", "forwarded",
           "content-length"}
METHODS = {"GET", "POST", "HEAD"}
PATHS = ("/v1/", "/api/")
TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 token: a method, a header name
TARGET = re.compile(r"/[\x21-\x7e]*")               # origin-form, printable ASCII, no space
BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # a header value: tab and printable only
MAX_HEAD = 64 * 1024
MAX_BODY = 512 * 1024 * 1024
MAX_CLIENTS = 64
IDLE_SECONDS = 600  # a streamed answer may pause while the model thinks
CONNECT_SECONDS = 15


class Refused(Exception):
    """A request the broker answers itself: an HTTP status and why."""

    def __init__(self, status, why):
        super().__init__(why)
        self.status = status


def log(message):
    sys.stderr.write(f"ciab-credential-broker: {message}\n")
    sys.stderr.flush()


def settings(env=None):
    env = os.environ if env is None else env
    port = env.get("CIAB_BROKER_PORT", str(DEFAULT_PORT))
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"CIAB_BROKER_PORT '{port}' is not a port (1-65535)")
    upstream = env.get("CIAB_BROKER_UPSTREAM") or DEFAULT_UPSTREAM
    parts = urlsplit(upstream)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment \
            or parts.username or parts.password or BAD_VALUE.search(upstream) or " " in upstream:
        raise ValueError(f"CIAB_BROKER_UPSTREAM '{upstream}' is not an http(s) URL with a host and no query, "
                         "fragment or user")
    if loopback(parts.hostname):
        raise ValueError(f"CIAB_BROKER_UPSTREAM '{upstream}' is this pod's loopback, which the agent shares: "
                         "whatever listened there would get the credential")
    if parts.scheme == "http" and env.get("CIAB_BROKER_ALLOW_HTTP") != "1":
        raise ValueError(f"CIAB_BROKER_UPSTREAM '{upstream}' is plain http, which carries the credential in clear: "
                         "use https, or set CIAB_BROKER_ALLOW_HTTP=1 (the roles' workload_model_upstream_allow_http)")
    return {"port": int(port), "upstream": parts, "secret_dir": env.get("CIAB_BROKER_SECRET_DIR") or DEFAULT_SECRET_DIR}


def loopback(host):
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def credential(secret_dir, env=None):
    """(kind, value) of the first credential that is set, else (None, reason). A file of the Secret's volume
    (Kubernetes: re-read at every request, so a rotated Secret is used without a restart), else the broker's own
    variable of that name (Compose: its env file; no process of the agent's container can read it)."""
    env = os.environ if env is None else env
    for name, kind in KINDS:
        try:
            with open(os.path.join(secret_dir, name), "rb") as fh:
                value = fh.read().strip()
        except FileNotFoundError:
            value = env.get(name, "").strip().encode("utf-8", "replace")
        except OSError as exc:
            return None, f"{name} cannot be read ({exc.strerror})"
        if not value:
            continue
        # a header value: printable ASCII, no space, so a Secret cannot add a header line
        if any(c < 0x21 or c > 0x7e for c in value):
            return None, f"{name} holds characters a header cannot carry"
        return kind, value.decode("ascii")
    return None, f"no ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in {secret_dir} or the broker's environment"


def proxy_for(scheme, host, env=None):
    """The proxy URL the standard variables give for this scheme and host, or None (direct)."""
    env = os.environ if env is None else env
    no_proxy = env.get("NO_PROXY", env.get("no_proxy", ""))
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*" or host.lower() == entry.lstrip(".") or host.lower().endswith("." + entry.lstrip(".")):
            return None
    name = "HTTPS_PROXY" if scheme == "https" else "HTTP_PROXY"
    value = env.get(name) or env.get(name.lower())
    if not value:
        return None
    parts = urlsplit(value if "://" in value else "http://" + value)
    if parts.scheme != "http" or not parts.hostname or parts.username:
        raise ValueError(f"{name} '{value}' is not an http:// proxy URL without a user (proxy logins are not "
                         "supported)")
    return parts


def split_head(data):
    """The bytes up to and including the blank line, and the rest; (None, data) while there is no blank line."""
    end = data.find(b"\r\n\r\n")
    return (None, data) if end < 0 else (data[:end + 4], data[end + 4:])


def read_head(sock):
    """A message's head read from a socket, and what came past it; (None, data) on EOF or a head too big."""
    data = b""
    while True:
        head, rest = split_head(data)
        if head is not None or len(data) > MAX_HEAD:
            return head, rest
        chunk = sock.recv(65536)
        if not chunk:
            return None, data
        data += chunk


def parse_head(head):
    """The first line and the (name, value) headers of a message head; ValueError on anything malformed."""
    lines = head[:-4].decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep or not TOKEN.fullmatch(name) or BAD_VALUE.search(value):
            raise ValueError(f"malformed header line {line[:40]!r}")
        headers.append((name, value.strip()))
    if BAD_VALUE.search(lines[0]) or "\t" in lines[0]:
        raise ValueError(f"malformed first line {lines[0][:40]!r}")
    return lines[0], headers


def parse_request(head):
    """(method, target, headers, body length, expects 100-continue) of what a client sent, or Refused."""
    try:
        line, headers = parse_head(head)
    except ValueError as exc:
        raise Refused("400 Bad Request", str(exc)) from None
    parts = line.split(" ")
    if len(parts) != 3 or parts[2] not in ("HTTP/1.0", "HTTP/1.1") or not TOKEN.fullmatch(parts[0]) \
            or not TARGET.fullmatch(parts[1]):
        raise Refused("400 Bad Request", f"not an origin-form HTTP/1.x request: {line[:80]!r}")
    method, target, dummy = parts
    names = {}
    for name, value in headers:
        names.setdefault(name.lower(), []).append(value)
    if target.startswith("/.ciab/"):
        return method, target, headers, 0, False
    if method not in METHODS:
        raise Refused("405 Method Not Allowed", f"method {method} is not forwarded (GET, POST, HEAD only)")
    if not target.startswith(PATHS) or "/../" in target or target.endswith("/.."):
        raise Refused("403 Forbidden", f"path {target.split('?')[0][:80]} is not forwarded (the API's /v1/ and "
                      "/api/ only)")
    if "transfer-encoding" in names:
        raise Refused("411 Length Required", "a request body needs Content-Length (no Transfer-Encoding)")
    lengths = set(names.get("content-length", ["0"]))
    if len(lengths) != 1 or not next(iter(lengths)).isdigit() or int(next(iter(lengths))) > MAX_BODY:
        raise Refused("400 Bad Request", f"Content-Length {sorted(lengths)} is not one number up to {MAX_BODY}")
    expect = [v.lower() for v in names.get("expect", [])]
    if expect not in ([], ["100-continue"]):
        raise Refused("417 Expectation Failed", f"Expect {expect} is not supported")
    return method, target, headers, int(next(iter(lengths))), bool(expect)


def request_head(method, target, headers, length, upstream, kind, secret, absolute):
    """The request as the upstream gets it: its path under the upstream's, the real credential, one request."""
    path = upstream.path.rstrip("/") + target
    if absolute:
        path = f"{upstream.scheme}://{upstream.netloc}{path}"
    out = [f"{method} {path} HTTP/1.1", f"Host: {upstream.netloc}"]
    out += [f"{name}: {value}" for name, value in headers if name.lower() not in DROPPED]
    if length or method == "POST":
        out.append(f"Content-Length: {length}")
    out.append(f"x-api-key: {secret}" if kind == "api-key" else f"Authorization: Bearer {secret}")
    out.append("Connection: close")
    return ("\r\n".join(out) + "\r\n\r\n").encode("latin-1")


def response_head(head):
    """The upstream's response head, told to close (the client opens a new connection for its next request)."""
    status, headers = parse_head(head)
    out = [status] + [f"{n}: {v}" for n, v in headers if n.lower() not in ("connection", "keep-alive")]
    out.append("Connection: close")
    return ("\r\n".join(out) + "\r\n\r\n").encode("latin-1")


def open_upstream(upstream):
    """A connected socket to the upstream (TLS for https), through the proxy the variables name; and whether the
    request must carry an absolute URL (plain HTTP through a proxy)."""
    https = upstream.scheme == "https"
    host, port = upstream.hostname, upstream.port or (443 if https else 80)
    proxy = proxy_for(upstream.scheme, host)
    if proxy is None:
        sock = socket.create_connection((host, port), timeout=CONNECT_SECONDS)
    else:
        sock = socket.create_connection((proxy.hostname, proxy.port or 80), timeout=CONNECT_SECONDS)
        if not https:
            return sock, True
        sock.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode("ascii"))
        head, rest = read_head(sock)
        if head is None or rest:
            sock.close()
            raise OSError(f"the proxy {proxy.hostname}:{proxy.port} closed the tunnel to {host}:{port}")
        status = head.split(b"\r\n", 1)[0].decode("latin-1")
        if status.split(" ")[1:2] != ["200"]:
            sock.close()
            raise OSError(f"the proxy {proxy.hostname}:{proxy.port} refused {host}:{port}: {status}")
    if https:
        context = ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE") or None)
        sock = context.wrap_socket(sock, server_hostname=host)
    return sock, False


def reply(client, status, text):
    body = (text + "\n").encode("utf-8")
    head = (f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n")
    client.sendall(head.encode("ascii") + body)


def forward(client, upstream_sock, first, length, rest):
    """Send the request and exactly its body, then copy the upstream's answer back until it ends. Nothing the
    client sends after its body is read, so nothing of it is forwarded."""
    upstream_sock.settimeout(IDLE_SECONDS)
    body = rest[:length]
    upstream_sock.sendall(first + body)
    remaining = length - len(body)
    while remaining:
        chunk = client.recv(min(65536, remaining))
        if not chunk:
            return "client closed before its body's end", 0
        upstream_sock.sendall(chunk)
        remaining -= len(chunk)
    try:
        head, extra = read_head(upstream_sock)
    except ValueError:
        head, extra = None, b""
    if head is None:
        return "no answer from the upstream", 0
    status = head.split(b"\r\n", 1)[0].decode("latin-1").partition(" ")[2]
    client.sendall(response_head(head) + extra)
    sent = len(extra)
    while True:
        chunk = upstream_sock.recv(65536)
        if not chunk:
            return status, sent
        client.sendall(chunk)
        sent += len(chunk)


def handle(client, conf, slots):
    started = time.monotonic()
    client.settimeout(IDLE_SECONDS)
    line, outcome = "-", "-"
    try:
        if not slots.acquire(blocking=False):
            outcome = "503 busy"
            return reply(client, "503 Service Unavailable", f"ciab-credential-broker: more than {MAX_CLIENTS} requests")
        try:
            head, rest = read_head(client)
            if head is None:
                if len(rest) > MAX_HEAD:
                    outcome = "431"
                    reply(client, "431 Request Header Fields Too Large", "ciab-credential-broker: head over 64 KiB")
                return
            line = head.split(b"\r\n", 1)[0].decode("latin-1")[:200]
            method, target, headers, length, expect = parse_request(head)
            if target in ("/.ciab/health", "/.ciab/kind"):
                kind, why = credential(conf["secret_dir"])
                outcome = "200" if kind or target == "/.ciab/health" else "503"
                if target == "/.ciab/health":
                    return reply(client, "200 OK", "ok")
                return reply(client, "200 OK" if kind else "503 Service Unavailable", kind or why)
            if target.startswith("/.ciab/"):
                raise Refused("404 Not Found", f"no {target[:40]} here")
            kind, secret = credential(conf["secret_dir"])
            if not kind:
                raise Refused("503 Service Unavailable", secret)
            try:
                upstream_sock, absolute = open_upstream(conf["upstream"])
            except (OSError, ValueError) as exc:
                raise Refused("502 Bad Gateway", f"upstream {conf['upstream'].netloc}: {exc}") from None
            with upstream_sock:
                if expect:
                    client.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                first = request_head(method, target, headers, length, conf["upstream"], kind, secret, absolute)
                status, sent = forward(client, upstream_sock, first, length, rest)
                outcome = f"{status.split(' ')[0]} {sent}B {kind}"
        finally:
            slots.release()
    except Refused as exc:
        outcome = exc.status.split(" ")[0]
        try:
            reply(client, exc.status, f"ciab-credential-broker: {exc}")
        except OSError:
            pass
    except OSError as exc:
        outcome = f"error {exc.__class__.__name__}"
    finally:
        client.close()
        # the request line (method and path; control bytes were refused) only: never a header, so never a credential
        shown = line.split(" HTTP/")[0].encode("ascii", "backslashreplace").decode("ascii")
        log(f"{shown!r} -> {outcome} ({time.monotonic() - started:.1f}s)")


def serve(conf):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", conf["port"]))
    listener.listen(64)
    kind, why = credential(conf["secret_dir"])
    log(f"listening on 127.0.0.1:{conf['port']}, forwarding to {conf['upstream'].geturl()}; credential: "
        f"{kind or why}")
    slots = threading.BoundedSemaphore(MAX_CLIENTS)
    while True:
        client, dummy = listener.accept()
        threading.Thread(target=handle, args=(client, conf, slots), daemon=True).start()


def ask(conf, path):
    with socket.create_connection(("127.0.0.1", conf["port"]), timeout=3) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("ascii"))
        data = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    head, dummy, body = data.partition(b"\r\n\r\n")
    return head.split(b" ")[1:2] == [b"200"], body.decode("utf-8", "replace").strip()


def main(argv):
    command = argv[1] if len(argv) > 1 else "serve"
    try:
        conf = settings()
    except ValueError as exc:
        log(str(exc))
        return 78
    if command == "serve":
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            serve(conf)
        except OSError as exc:
            log(f"cannot listen on 127.0.0.1:{conf['port']}: {exc.strerror}")
            return 71
        return 0
    if command in ("check", "kind"):
        try:
            ok, body = ask(conf, "/.ciab/health" if command == "check" else "/.ciab/kind")
        except OSError as exc:
            log(f"no broker answers on 127.0.0.1:{conf['port']}: {exc}")
            return 1
        print(body)
        return 0 if ok else 1
    log(f"unknown command '{command}' (serve, check or kind)")
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
