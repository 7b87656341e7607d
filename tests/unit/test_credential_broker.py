"""The credential broker (roles/image/files/credential-broker.py): the credential it adds is the only one that leaves,
nothing a client sends can carry one past it or reuse its connection, and it runs on python3-minimal."""
import ast
import contextlib
import hashlib
import http.server
import importlib.util
import pathlib
import socket
import ssl
import subprocess
import sys
import threading
import time

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "roles" / "image" / "files" / "credential-broker.py"
spec = importlib.util.spec_from_file_location("credential_broker", SCRIPT)
broker = importlib.util.module_from_spec(spec)
spec.loader.exec_module(broker)

KEY = "sk-ant-api03-UNITunitUNITunit"
TOKEN = "sk-ant-oat01-UNITunitUNITunit"
UPSTREAM = broker.urlsplit("https://api.example.test/gateway")
# The tests' upstreams listen on loopback, which the broker refuses (in a pod the agent shares it). This launcher
# runs the script as it is with that one check lifted; test_a_loopback_upstream_stops_the_real_script shows the
# script itself refuses.
LAUNCHER = [sys.executable, "-I", "-c",
            "import importlib.util, sys; spec = importlib.util.spec_from_file_location('broker', sys.argv[1]); "
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); m.loopback = lambda host: False; "
            "sys.exit(m.main(sys.argv[1:]))", str(SCRIPT)]


def fingerprint(value):
    return hashlib.sha256(value.encode()).hexdigest()[:12]


# --- what the upstream gets ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind, secret, header", [
    ("api-key", KEY, f"x-api-key: {KEY}"),
    ("oauth", TOKEN, f"Authorization: Bearer {TOKEN}"),
])
def test_the_real_credential_replaces_whatever_the_client_sent(kind, secret, header):
    sent = [("Host", "127.0.0.1:18081"), ("x-api-key", "ciab-credential-broker"), ("Authorization", "Bearer stolen"),
            ("Cookie", "a=b"), ("Proxy-Authorization", "Basic x"), ("Connection", "keep-alive"), ("Keep-Alive", "5"),
            ("Max-Forwards", "0"), ("Expect", "100-continue"), ("Via", "1.1 x"),
            ("anthropic-beta", "oauth-2025-04-20"), ("content-length", "999")]
    head = broker.request_head("POST", "/v1/messages?beta=true", sent, 2, UPSTREAM, kind, secret, False).decode()
    lines = head.split("\r\n")
    assert lines[0] == "POST /gateway/v1/messages?beta=true HTTP/1.1"
    assert "Host: api.example.test" in lines and header in lines
    credential_lines = [line for line in lines if line.lower().startswith(("x-api-key", "authorization", "cookie",
                                                                          "proxy-authorization"))]
    assert credential_lines == [header]
    assert "Connection: close" in lines and "Keep-Alive: 5" not in lines
    # what would make a proxy answer by itself, or change the framing, is gone; the length is the broker's own
    assert not [line for line in lines if line.lower().startswith(("max-forwards", "expect", "via"))]
    assert [line for line in lines if line.lower().startswith("content-length")] == ["Content-Length: 2"]
    assert "anthropic-beta: oauth-2025-04-20" in lines
    assert head.endswith("\r\n\r\n")


def test_plain_http_through_a_proxy_names_the_whole_url():
    head = broker.request_head("GET", "/v1/models", [], 0, broker.urlsplit("http://model.test:18090"), "api-key",
                               KEY, True).decode()
    assert head.startswith("GET http://model.test:18090/v1/models HTTP/1.1\r\n")


def request(line, *headers):
    return ("\r\n".join((line,) + headers) + "\r\n\r\n").encode("latin-1")


@pytest.mark.parametrize("raw, status", [
    (request("GET http://evil.test/v1/x HTTP/1.1"), "400"),          # a forward-proxy request: not a proxy
    (request("CONNECT evil.test:443 HTTP/1.1"), "400"),
    (request("GET /v1/messages"), "400"),                             # HTTP/0.9
    (request("GET /v1/messages HTTP/2.0"), "400"),
    (request("GET  /v1/messages HTTP/1.1"), "400"),
    (request("TRACE /v1/messages HTTP/1.1", "Max-Forwards: 0"), "405"),  # a proxy would echo it, key and all
    (request("DELETE /v1/files/x HTTP/1.1"), "405"),
    (request("GET /v2/x HTTP/1.1"), "403"),                           # not the API's paths
    (request("GET /v1/../admin HTTP/1.1"), "403"),
    (request("GET /.well-known/x HTTP/1.1"), "403"),
    # a bare line feed or a control byte: a lenient parser downstream could read a second request in it
    (request("POST /v1/messages HTTP/1.1", "X-A: a\nContent-Length: 0\n\nGET /leak HTTP/1.1"), "400"),
    (request("POST /v1/messages HTTP/1.1", "X-A: a\x00b"), "400"),
    (request("POST /v1/messages HTTP/1.1", "X A: b"), "400"),
    (request("POST /v1/mess\x01ages HTTP/1.1"), "400"),
    (request("POST /v1/messages HTTP/1.1", "Transfer-Encoding: chunked"), "411"),
    (request("POST /v1/messages HTTP/1.1", "Content-Length: 2", "Content-Length: 3"), "400"),
    (request("POST /v1/messages HTTP/1.1", "Content-Length: -1"), "400"),
    (request("POST /v1/messages HTTP/1.1", "Expect: something-else"), "417"),
])
def test_only_plain_api_requests_pass(raw, status):
    with pytest.raises(broker.Refused) as refused:
        broker.parse_request(raw)
    assert refused.value.status.startswith(status), refused.value


@pytest.mark.parametrize("raw, expected", [
    (request("POST /v1/messages?beta=true HTTP/1.1", "Content-Length: 12", "anthropic-version: 2023-06-01"),
     ("POST", "/v1/messages?beta=true", 12, False)),
    (request("GET /v1/models HTTP/1.1"), ("GET", "/v1/models", 0, False)),
    (request("HEAD /api/hello HTTP/1.0"), ("HEAD", "/api/hello", 0, False)),
    (request("POST /v1/messages HTTP/1.1", "Content-Length: 5", "Expect: 100-continue"),
     ("POST", "/v1/messages", 5, True)),
])
def test_what_claude_sends_passes(raw, expected):
    method, target, dummy, length, expect = broker.parse_request(raw)
    assert (method, target, length, expect) == expected


def test_a_response_is_told_to_close():
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nConnection: keep-alive\r\nKeep-Alive: t=5\r\n\r\n"
    out = broker.response_head(head).decode()
    assert out == "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nConnection: close\r\n\r\n"


# --- the credential files --------------------------------------------------------------------------------------
@pytest.mark.parametrize("files, expected", [
    ({"ANTHROPIC_API_KEY": KEY + "\n"}, ("api-key", KEY)),
    ({"CLAUDE_CODE_OAUTH_TOKEN": TOKEN}, ("oauth", TOKEN)),
    # Claude Code's own precedence: an API key wins
    ({"ANTHROPIC_API_KEY": KEY, "CLAUDE_CODE_OAUTH_TOKEN": TOKEN}, ("api-key", KEY)),
    ({"ANTHROPIC_API_KEY": "  \n", "CLAUDE_CODE_OAUTH_TOKEN": TOKEN}, ("oauth", TOKEN)),
    ({"CIAB_OAUTH_TOKEN_EXPIRES_AT": "2027-01-01"},
     (None, "no ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in {dir} or the broker's environment")),
    # a Secret cannot add a header line, or a space-separated second value
    ({"ANTHROPIC_API_KEY": KEY + "\r\nX-Evil: 1"}, (None, "ANTHROPIC_API_KEY holds characters a header cannot carry")),
    ({"ANTHROPIC_API_KEY": "a b"}, (None, "ANTHROPIC_API_KEY holds characters a header cannot carry")),
    ({"ANTHROPIC_API_KEY": "k\u00e9y"}, (None, "ANTHROPIC_API_KEY holds characters a header cannot carry")),
])
def test_the_credential_is_read_from_the_secrets_files(tmp_path, files, expected):
    for name, value in files.items():
        (tmp_path / name).write_text(value, encoding="utf-8")
    kind, value = broker.credential(str(tmp_path), env={})
    assert (kind, value) == (expected[0], expected[1].format(dir=tmp_path))


@pytest.mark.parametrize("files, env, expected", [
    # Compose: the broker's own environment (its env file)
    ({}, {"CLAUDE_CODE_OAUTH_TOKEN": TOKEN}, ("oauth", TOKEN)),
    ({}, {"ANTHROPIC_API_KEY": KEY, "CLAUDE_CODE_OAUTH_TOKEN": TOKEN}, ("api-key", KEY)),
    # a file wins over a variable of the same name
    ({"ANTHROPIC_API_KEY": KEY}, {"ANTHROPIC_API_KEY": "sk-old"}, ("api-key", KEY)),
    ({}, {"ANTHROPIC_API_KEY": "a\nb"}, (None, "ANTHROPIC_API_KEY holds characters a header cannot carry")),
])
def test_or_from_the_brokers_own_environment(tmp_path, files, env, expected):
    for name, value in files.items():
        (tmp_path / name).write_text(value, encoding="utf-8")
    assert broker.credential(str(tmp_path), env=env) == expected


# --- settings and proxies --------------------------------------------------------------------------------------
@pytest.mark.parametrize("env, message", [
    ({"CIAB_BROKER_PORT": "0"}, "CIAB_BROKER_PORT '0' is not a port"),
    ({"CIAB_BROKER_PORT": "--help"}, "CIAB_BROKER_PORT '--help' is not a port"),
    ({"CIAB_BROKER_UPSTREAM": "ftp://api.anthropic.com"}, "is not an http(s) URL"),
    ({"CIAB_BROKER_UPSTREAM": "https://user:pw@api.anthropic.com"}, "is not an http(s) URL"),
    ({"CIAB_BROKER_UPSTREAM": "https://api.anthropic.com/?x=1"}, "is not an http(s) URL"),
    ({"CIAB_BROKER_UPSTREAM": "https:///v1"}, "is not an http(s) URL"),
    ({"CIAB_BROKER_UPSTREAM": "https://api.anthropic.com/\nX: y"}, "is not an http(s) URL"),
    # the pod's loopback is the agent's too: whatever listened there would get the credential
    ({"CIAB_BROKER_UPSTREAM": "https://127.0.0.1:9000"}, "is this pod's loopback"),
    ({"CIAB_BROKER_UPSTREAM": "https://127.1.2.3"}, "is this pod's loopback"),
    ({"CIAB_BROKER_UPSTREAM": "https://localhost"}, "is this pod's loopback"),
    ({"CIAB_BROKER_UPSTREAM": "https://LOCALHOST."}, "is this pod's loopback"),
    ({"CIAB_BROKER_UPSTREAM": "https://[::1]:9000"}, "is this pod's loopback"),
    ({"CIAB_BROKER_UPSTREAM": "https://0.0.0.0"}, "is this pod's loopback"),
    # plain http carries the credential in clear: only when asked for
    ({"CIAB_BROKER_UPSTREAM": "http://gateway.test"}, "is plain http"),
    ({"CIAB_BROKER_UPSTREAM": "http://gateway.test", "CIAB_BROKER_ALLOW_HTTP": "yes"}, "is plain http"),
])
def test_bad_settings_are_refused_by_name(env, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        broker.settings(env)


def test_plain_http_when_asked_for():
    conf = broker.settings({"CIAB_BROKER_UPSTREAM": "http://gateway.test:8080/a", "CIAB_BROKER_ALLOW_HTTP": "1"})
    assert conf["upstream"].geturl() == "http://gateway.test:8080/a"


def test_settings_defaults():
    conf = broker.settings({})
    assert (conf["port"], conf["upstream"].geturl(), conf["secret_dir"]) == (
        18081, "https://api.anthropic.com", "/run/secrets/ciab-credentials")


@pytest.mark.parametrize("scheme, host, env, expected", [
    ("https", "api.anthropic.com", {"HTTPS_PROXY": "http://proxy:3128"}, "proxy:3128"),
    ("https", "api.anthropic.com", {"https_proxy": "proxy:3128"}, "proxy:3128"),
    ("http", "model.test", {"HTTPS_PROXY": "http://proxy:3128"}, None),
    ("http", "model.test", {"HTTP_PROXY": "http://proxy:3128"}, "proxy:3128"),
    ("https", "api.anthropic.com", {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "anthropic.com"}, None),
    ("https", "api.anthropic.com", {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": ".anthropic.com"}, None),
    ("https", "api.anthropic.com", {"HTTPS_PROXY": "http://proxy:3128", "no_proxy": "*"}, None),
    ("https", "api.anthropic.com", {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "127.0.0.1,localhost"}, "proxy:3128"),
    ("https", "evilanthropic.com", {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "anthropic.com"}, "proxy:3128"),
])
def test_the_standard_proxy_variables(scheme, host, env, expected):
    proxy = broker.proxy_for(scheme, host, env)
    assert (proxy.netloc if proxy else None) == expected


def test_a_proxy_login_is_refused_not_ignored():
    with pytest.raises(ValueError, match="without a user"):
        broker.proxy_for("https", "api.anthropic.com", {"HTTPS_PROXY": "http://u:p@proxy:3128"})


def test_it_imports_only_what_python3_minimal_ships():
    """An early warning: Debian's python3-minimal (all the image installs) has no json, http, email or base64
    module. The list is libpython3.11-minimal's, by hand; the testinfra check runs the broker on the image itself."""
    minimal = {"ipaddress", "os", "re", "signal", "socket", "ssl", "sys", "threading", "time", "urllib.parse"}
    imported = set()
    for node in ast.walk(ast.parse(SCRIPT.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported <= minimal, imported - minimal


# --- a running broker, a recording upstream ----------------------------------------------------------------------
class Upstream(http.server.BaseHTTPRequestHandler):
    """Keeps a connection open for more requests unless told to close, as the real API does."""
    protocol_version = "HTTP/1.1"
    seen: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        Upstream.seen.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                              "body": body})
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for part in (b"event: a\n\n", b"event: b\n\n"):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def started(env):
    """The broker as its container runs it, until the test ends; its log must never hold a credential."""
    env = dict(env, PATH="/usr/bin:/bin")
    proc = subprocess.Popen([*LAUNCHER, "serve"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        for dummy in range(100):
            if subprocess.run([*LAUNCHER, "check"], env=env, capture_output=True,
                              check=False).returncode == 0:
                break
            time.sleep(0.05)
        yield env
    finally:
        proc.terminate()
        log = proc.communicate(timeout=10)[1]
    assert KEY not in log and TOKEN not in log and proc.returncode == 0


def upstream_server(tls_dir=None):
    """The recording upstream, with TLS when given a directory for its certificate (made here, for localhost)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    if tls_dir is not None:
        cert, key = tls_dir / "cert.pem", tls_dir / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out",
                        str(cert)], check=True, capture_output=True)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Upstream.seen = []
    return server


@pytest.fixture()
def running(tmp_path):
    server = upstream_server()
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    port = free_port()
    env = {"CIAB_BROKER_PORT": str(port), "CIAB_BROKER_UPSTREAM": f"http://127.0.0.1:{server.server_port}/base",
           "CIAB_BROKER_SECRET_DIR": str(secrets), "CIAB_BROKER_ALLOW_HTTP": "1"}
    with started(env):
        yield {"port": port, "secrets": secrets, "env": env}
    server.shutdown()


def test_a_loopback_upstream_stops_the_real_script(tmp_path):
    env = {"CIAB_BROKER_PORT": str(free_port()), "CIAB_BROKER_UPSTREAM": "https://127.0.0.1:9",
           "CIAB_BROKER_SECRET_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-I", str(SCRIPT), "serve"], env=env, capture_output=True, text=True,
                          timeout=30, check=False)
    assert proc.returncode == 78 and "is this pod's loopback" in proc.stderr, proc.stderr


def exchange(port, raw):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


REQUEST = (b"POST /v1/messages?beta=true HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ciab-credential-broker\r\n"
           b"Content-Length: 2\r\nConnection: keep-alive\r\n\r\n{}")


def test_a_request_reaches_the_upstream_with_the_real_key_and_streams_back(running):
    (running["secrets"] / "ANTHROPIC_API_KEY").write_text(KEY + "\n")
    reply = exchange(running["port"], REQUEST)
    assert reply.startswith(b"HTTP/1.0 200") or reply.startswith(b"HTTP/1.1 200")
    assert b"Connection: close\r\n" in reply and b"event: a\n\n" in reply and reply.endswith(b"0\r\n\r\n")
    [seen] = Upstream.seen
    assert seen["path"] == "/base/v1/messages?beta=true" and seen["body"] == b"{}"
    assert fingerprint(seen["headers"]["x-api-key"]) == fingerprint(KEY)
    assert "authorization" not in seen["headers"]


class RawUpstream:
    """Records every byte it receives on one connection, answers once the request's body is in, and keeps
    listening a moment for more (what a broker forwarding pipelined bytes would send)."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.received = b""
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        conn, dummy = self.listener.accept()
        conn.settimeout(1)
        with conn:
            answered = False
            while True:
                try:
                    chunk = conn.recv(65536)
                except socket.timeout:
                    break
                if not chunk:
                    break
                self.received += chunk
                if not answered and self.received.endswith(b"{}"):
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                    answered = True


def test_bytes_past_the_body_are_never_forwarded(tmp_path):
    """One request per connection: a pipelined second request (here with a credential of the client's own) never
    leaves the broker, whatever the upstream does with its connection."""
    upstream = RawUpstream()
    (tmp_path / "CLAUDE_CODE_OAUTH_TOKEN").write_text(TOKEN)
    env = {"CIAB_BROKER_PORT": str(free_port()), "CIAB_BROKER_UPSTREAM": f"http://127.0.0.1:{upstream.port}",
           "CIAB_BROKER_SECRET_DIR": str(tmp_path), "CIAB_BROKER_ALLOW_HTTP": "1"}
    second = REQUEST.replace(b"x-api-key: ciab-credential-broker", b"Authorization: Bearer client-own")
    with started(env):
        reply = exchange(int(env["CIAB_BROKER_PORT"]), REQUEST + second)
    upstream.thread.join(5)
    assert reply.endswith(b"\r\n\r\nok") and reply.count(b"HTTP/1.") == 1
    assert upstream.received.count(b"HTTP/1.1\r\n") == 1 and upstream.received.endswith(b"\r\n\r\n{}")
    assert b"client-own" not in upstream.received and f"Bearer {TOKEN}".encode() in upstream.received


def test_a_refused_method_never_reaches_the_upstream(running):
    (running["secrets"] / "ANTHROPIC_API_KEY").write_text(KEY)
    reply = exchange(running["port"], b"TRACE /v1/messages HTTP/1.1\r\nMax-Forwards: 0\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 405") and KEY.encode() not in reply
    reply = exchange(running["port"], b"POST /v1/messages HTTP/1.1\r\nX-A: a\nContent-Length: 0\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400")
    assert Upstream.seen == []
    # control: the same connection details with a permitted request do reach it
    assert exchange(running["port"], REQUEST).startswith(b"HTTP/1.1 200") and len(Upstream.seen) == 1


def test_expect_100_continue_is_answered_by_the_broker(running):
    (running["secrets"] / "ANTHROPIC_API_KEY").write_text(KEY)
    with socket.create_connection(("127.0.0.1", running["port"]), timeout=10) as sock:
        sock.sendall(b"POST /v1/messages HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"{}")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200") and Upstream.seen[0]["body"] == b"{}"
    assert "expect" not in Upstream.seen[0]["headers"]


def test_no_credential_no_request(running):
    reply = exchange(running["port"], REQUEST)
    assert reply.startswith(b"HTTP/1.1 503") and b"no ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN" in reply
    assert Upstream.seen == []


def test_the_kind_is_told_never_the_credential(running):
    (running["secrets"] / "CLAUDE_CODE_OAUTH_TOKEN").write_text(TOKEN)
    proc = subprocess.run([*LAUNCHER, "kind"], env=running["env"], capture_output=True,
                          text=True, check=False)
    assert (proc.returncode, proc.stdout) == (0, "oauth\n")
    reply = exchange(running["port"], b"GET /.ciab/kind HTTP/1.1\r\n\r\n")
    assert TOKEN.encode() not in reply and reply.endswith(b"\r\n\r\noauth\n")


def test_it_listens_on_loopback_only(running):
    """The agent's pod shares one network namespace: the broker must not answer on the pod's address."""
    out = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True, check=True).stdout
    addresses = [line.split()[3].split("/")[0] for line in out.splitlines()]
    others = [a for a in addresses if not a.startswith("127.")]
    assert others, out  # the check below needs an address that is not loopback
    exchange(running["port"], b"GET /.ciab/health HTTP/1.1\r\n\r\n")  # control: it answers on loopback
    for address in others:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((address, running["port"]), timeout=2).close()


# --- the production path: TLS to the upstream through a CONNECT proxy ---------------------------------------------
def connect_proxy(seen):
    """A one-purpose CONNECT proxy on loopback that records each tunnel's target."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve():
        while True:
            try:
                client, dummy = listener.accept()
            except OSError:
                return
            head = b""
            while b"\r\n\r\n" not in head:
                head += client.recv(4096)
            target = head.split(b" ")[1].decode()
            seen.append(target)
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)))
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return listener


def tls_env(tmp_path, server):
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "ANTHROPIC_API_KEY").write_text(KEY)
    return {"CIAB_BROKER_PORT": str(free_port()), "CIAB_BROKER_UPSTREAM": f"https://localhost:{server.server_port}",
            "CIAB_BROKER_SECRET_DIR": str(secrets), "SSL_CERT_FILE": str(tmp_path / "cert.pem")}


def test_https_upstream_through_a_connect_proxy(tmp_path):
    server = upstream_server(tmp_path)
    tunnels = []
    proxy = connect_proxy(tunnels)
    env = dict(tls_env(tmp_path, server), HTTPS_PROXY=f"http://127.0.0.1:{proxy.getsockname()[1]}", NO_PROXY="127.0.0.1")
    try:
        with started(env):
            reply = exchange(int(env["CIAB_BROKER_PORT"]), REQUEST)
        assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"0\r\n\r\n")
        assert tunnels == [f"localhost:{server.server_port}"]
        assert fingerprint(Upstream.seen[0]["headers"]["x-api-key"]) == fingerprint(KEY)
    finally:
        server.shutdown()
        proxy.close()


def test_a_large_body_sent_late_crosses_tls_13(tmp_path):
    """TLS 1.3 servers send session tickets after the handshake: the broker must not wait on them while the body
    is still on its way."""
    server = upstream_server(tmp_path)
    env = tls_env(tmp_path, server)
    body = b"{" + b"x" * 500_000 + b"}"
    with started(env):
        with socket.create_connection(("127.0.0.1", int(env["CIAB_BROKER_PORT"])), timeout=10) as sock:
            sock.sendall(b"POST /v1/messages HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(body))
            time.sleep(0.5)
            sock.sendall(body)
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
    server.shutdown()
    assert data.startswith(b"HTTP/1.1 200") and Upstream.seen[0]["body"] == body


def test_an_untrusted_upstream_certificate_is_refused(tmp_path):
    server = upstream_server(tmp_path)
    # the system's trust store, which does not hold this test's certificate
    env = dict(tls_env(tmp_path, server), SSL_CERT_FILE="/etc/ssl/certs/ca-certificates.crt")
    try:
        with started(env):
            reply = exchange(int(env["CIAB_BROKER_PORT"]), REQUEST)
        assert reply.startswith(b"HTTP/1.1 502") and b"CERTIFICATE_VERIFY_FAILED" in reply
        assert Upstream.seen == []
    finally:
        server.shutdown()
