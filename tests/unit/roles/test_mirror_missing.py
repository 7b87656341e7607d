"""mirror-missing.py: one process asks the local mirror for every release tool; 404 is left out, anything else
fails naming the URL."""
import http.server
import json
import pathlib
import subprocess
import sys
import threading

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[3] / "roles" / "image" / "files" / "mirror-missing.py"
CODES = {"/here": 200, "/gone": 404, "/broken": 500}


class Mirror(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):  # noqa: N802 (http.server's name)
        self.send_response(CODES.get(self.path, 404))
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def mirror():
    server = http.server.HTTPServer(("127.0.0.1", 0), Mirror)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield "http://127.0.0.1:%d" % server.server_port
    server.shutdown()


@pytest.mark.parametrize("paths, missing", [
    (["/here"], []),
    (["/here", "/gone"], ["/gone"]),
    (["/gone", "/here", "/gone2"], ["/gone", "/gone2"]),
    ([], []),
])
def test_lists_what_the_mirror_lacks(mirror, paths, missing):
    proc = subprocess.run([sys.executable, str(SCRIPT)] + [mirror + p for p in paths], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [mirror + p for p in missing]


def test_another_answer_fails_naming_the_url(mirror):
    proc = subprocess.run([sys.executable, str(SCRIPT), mirror + "/here", mirror + "/broken"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode != 0 and "/broken answered 500" in proc.stderr
