"""The image role's release downloads on a host with no release host: the local mirror the command serves (the
harness's, on loopback), the tools it does not carry left out by name and profile, the build network switched to
host. The release hosts are a closed loopback port: nothing off this host is contacted."""
import json
import os
import re
import socket
import subprocess
import sys

import pytest

from conftest import HARNESS, REPO, playbook

sys.path.insert(0, str(HARNESS))
import service  # noqa: E402
import tlsserver  # noqa: E402

pytestmark = pytest.mark.integration
MIRROR = f"http://127.0.0.1:{os.environ.get('CIAB_MIRROR_PORT', '18080')}"


@pytest.fixture
def mirror_stopped_after():
    """The test's command serves the harness mirror: stopped afterwards unless it was serving before."""
    before = service.answers(MIRROR + "/")
    yield
    if not before:
        subprocess.run(["python3", str(HARNESS / "mirror.py"), "stop"], capture_output=True, check=False)


PLAY = str(REPO / "tests" / "integration" / "playbooks" / "image_downloads.yml")


def closed_host():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


def run(tmp_path, **extra):
    result = tmp_path / "found.json"
    rc, out = playbook(PLAY, "-e", json.dumps(dict(extra, downloads_result=str(result))))
    return rc, out, json.loads(result.read_text()) if rc == 0 else None


def test_no_release_host_takes_the_local_mirror_and_names_what_it_lacks(tmp_path, mirror_stopped_after):
    command = f"python3 {HARNESS / 'mirror.py'} serve"
    rc, out, result = run(tmp_path, image_release_hosts=[closed_host()], image_download_mirror_command=command)
    assert rc == 0, out
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", result["mirror"]), result
    assert result["network"] == "host"
    # what the harness mirror cannot build here, each said in one line with its profile
    excluded = sorted(subprocess.run(["python3", str(HARNESS / "mirror.py"), "list-excluded"], capture_output=True,
                                     text=True, check=True).stdout.split())
    assert sorted(result["missing"]) == excluded, (result, excluded)
    said = " ".join(out.split())
    assert "the release hosts cannot be used here" in said
    for name in excluded:
        assert re.search(rf"left out: {name} \((minimal|standard|full) profile\)", said), name


def test_a_release_host_the_build_trusts_keeps_the_upstream(tmp_path):
    with tlsserver.ProxyLikeServer(tmp_path) as (port, ca):
        # "false" would fail the play if the local mirror were wanted
        rc, out, result = run(tmp_path, image_release_hosts=[f"127.0.0.1:{port}"], image_download_mirror_command="false",
                              image_extra_ca_file=ca)
    assert rc == 0, out
    assert result == {"mirror": "", "missing": [], "network": "default"}


def test_a_given_mirror_is_used_as_is_and_nothing_is_asked(tmp_path):
    rc, out, result = run(tmp_path, image_download_mirror="https://mirror.ciab-test.invalid",
                          image_download_mirror_command="false")
    assert rc == 0, out
    assert result == {"mirror": "https://mirror.ciab-test.invalid", "missing": [], "network": "default"}
