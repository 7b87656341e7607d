"""The image's fetch-stage script, run for real against a file:// mirror laid out as upstream's hosts."""
import gzip
import hashlib
import io
import pathlib
import subprocess
import tarfile

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[3] / "roles" / "image" / "files" / "fetch-artifact.sh"
BINARY = b"#!/bin/sh\necho fake 1.0\n"


def tgz(member, data):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo(member)
        info.size, info.mode = len(data), 0o755
        tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue())


def sha(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def mirror(tmp_path):
    root = tmp_path / "mirror"

    def put(url, data):
        path = root / url.split("://", 1)[1]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())

    return root, put


def fetch(tmp_path, root, *args):
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "CIAB_OUT_DIR": str(out), "CIAB_DOWNLOAD_MIRROR": f"file://{root}",
           "CIAB_EXTRA_CA": str(tmp_path / "none.pem")}
    proc = subprocess.run(["sh", str(SCRIPT), "release", *args], env=env, capture_output=True, text=True, check=False)
    return proc, out


ARCHIVE = tgz("linux-amd64/tool", BINARY)
CASES = {
    "bare hash file": ("https://dl.example/v1/tool", BINARY, "https://dl.example/v1/tool.sha256",
                       sha(BINARY) + "\n", "", ""),
    "sha256sum lines": ("https://gh.example/v1/tool_linux.tar.gz", tgz("tool", BINARY), "https://gh.example/v1/checksums.txt",
                        f"{'0' * 64}  other.tar.gz\n{sha(tgz('tool', BINARY))}  tool_linux.tar.gz\n", "tool", ""),
    "member in a subdirectory": ("https://get.example/tool-v1-linux-amd64.tar.gz", ARCHIVE,
                                 "https://get.example/tool-v1-linux-amd64.tar.gz.sha256sum",
                                 f"{sha(ARCHIVE)}  tool-v1-linux-amd64.tar.gz\n", "linux-amd64/tool", ""),
    "hash column (yq style)": ("https://gh.example/v4/yq_linux_amd64", BINARY, "https://gh.example/v4/checksums",
                               "yq_linux_amd64 " + "ab " * 17 + sha(BINARY) + " ff\n", "", "19"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_verified_download_installs(tmp_path, mirror, case):
    url, data, checksum_url, checksums, member, field = CASES[case]
    root, put = mirror
    put(url, data)
    put(checksum_url, checksums)
    proc, out = fetch(tmp_path, root, "tool", url, checksum_url, member, field)
    assert proc.returncode == 0, proc.stderr
    assert (out / "tool").read_bytes() == BINARY
    assert "verified (sha256" in proc.stderr


def test_mismatch_installs_nothing(tmp_path, mirror):
    root, put = mirror
    put("https://dl.example/tool", BINARY)
    put("https://dl.example/tool.sha256", sha(b"something else"))
    proc, out = fetch(tmp_path, root, "tool", "https://dl.example/tool", "https://dl.example/tool.sha256", "", "")
    assert proc.returncode != 0
    assert "sha256 mismatch" in proc.stderr
    assert not (out / "tool").exists()


def test_file_missing_from_checksums(tmp_path, mirror):
    root, put = mirror
    put("https://gh.example/tool.tar.gz", BINARY)
    put("https://gh.example/checksums.txt", f"{'1' * 64}  a.tar.gz\n{'2' * 64}  b.tar.gz\n")
    proc, out = fetch(tmp_path, root, "tool", "https://gh.example/tool.tar.gz", "https://gh.example/checksums.txt", "", "")
    assert proc.returncode != 0
    assert "no sha256 for tool.tar.gz" in proc.stderr


def test_unreachable_download_names_the_url(tmp_path, mirror):
    root, dummy = mirror
    proc, dummy = fetch(tmp_path, root, "tool", "https://nowhere.example/tool", "https://nowhere.example/tool.sha256", "", "")
    assert proc.returncode != 0
    assert f"download failed: file://{root}/nowhere.example/tool" in proc.stderr
