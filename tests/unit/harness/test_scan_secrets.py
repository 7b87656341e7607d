"""The layer scanner finds what it must and passes what it must (so the image scenario's scan can fail)."""
import io
import json
import pathlib
import sys
import tarfile

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "harness"))
import scan_secrets  # noqa: E402

TOKEN = b"sk-ant-oat01-" + b"A1b2C3d4" * 8


def tar_of(files):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return raw.getvalue()


def saved_image(layer_files, env=(), history=()):
    config = {"config": {"Env": list(env)}, "history": [{"created_by": h} for h in history]}
    return io.BytesIO(tar_of({
        "abc.json": json.dumps(config).encode(),
        "manifest.json": b"[]",
        "l1/layer.tar": tar_of(layer_files),
    }))


def oci_image(layer_files, env=(), history=()):
    """The layout of `docker save` on Docker 25+: index, manifest and config are JSON blobs beside the layers."""
    config = {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []},
              "config": {"Env": list(env)}, "history": [{"created_by": h} for h in history]}
    manifest = {"schemaVersion": 2, "config": {"digest": "sha256:c0"}, "layers": [{"digest": "sha256:l1"}]}
    return io.BytesIO(tar_of({
        "oci-layout": b'{"imageLayoutVersion": "1.0.0"}',
        "index.json": json.dumps({"schemaVersion": 2, "manifests": [{"digest": "sha256:m0"}]}).encode(),
        "manifest.json": b"[]",
        "blobs/sha256/m0": json.dumps(manifest).encode(),
        "blobs/sha256/c0": json.dumps(config).encode(),
        "blobs/sha256/l1": tar_of(layer_files),
    }))


@pytest.mark.parametrize("image,expect", [
    (oci_image({"usr/bin/x": b"clean"}, env=["PATH=/usr/bin"], history=["RUN apt-get install x"]), []),
    (oci_image({}, env=["ANTHROPIC_API_KEY=abc"]), ["ANTHROPIC_API_KEY has a value"]),
    (oci_image({}, history=["RUN CLAUDE_CODE_OAUTH_TOKEN=xyz claude -p hi"]), ["set in a build step"]),
    (oci_image({}, history=["RUN echo " + TOKEN.decode()]), ["history: anthropic key or token", "image config: anthropic key or token"]),
    (oci_image({"home/claude/.claude/notes": b"token=" + TOKEN}), ["anthropic key or token"]),
    (saved_image({"usr/local/bin/claude": b"\x7fELF ... sk-ant-api03- prefix check ..."}), []),
    (saved_image({"etc/ssl/certs/ca-certificates.crt": b"-----BEGIN CERTIFICATE-----\nMIIB..."}), []),
    (saved_image({"home/claude/.claude/notes": b"token=" + TOKEN}), ["anthropic key or token"]),
    (saved_image({"home/claude/.claude/.credentials.json": b"{}"}), ["credentials file baked into the image"]),
    (saved_image({"root/key": b"-----BEGIN PRIVATE KEY-----\n" + (b"A" * 64 + b"\n") * 4}), ["private key"]),
    (saved_image({"usr/lib/x86_64-linux-gnu/libmbedx509.so.2.28.3": b"-----BEGIN RSA PRIVATE KEY-----\n" + (b"A" * 64 + b"\n") * 4}), []),
    (saved_image({"usr/lib/x86_64-linux-gnu/libother.so": b"-----BEGIN RSA PRIVATE KEY-----\n" + (b"A" * 64 + b"\n") * 4}), ["private key"]),
    (saved_image({"usr/lib/libtls.so": b"-----BEGIN PRIVATE KEY-----\n" + b"A" * 64 + b"\x00junk"}), []),
    (saved_image({}, env=["ANTHROPIC_API_KEY=abc", "PATH=/usr/bin"]), ["ANTHROPIC_API_KEY has a value"]),
    (saved_image({}, env=["NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt"]), []),
    (saved_image({}, history=["RUN CLAUDE_CODE_OAUTH_TOKEN=xyz claude -p hi"]), ["set in a build step"]),
])
def test_scan(image, expect):
    findings = scan_secrets.scan_saved(image)
    assert len(findings) == len(expect), findings
    for finding, want in zip(findings, expect):
        assert want in finding
