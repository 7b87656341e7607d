#!/usr/bin/env python3
"""Scan an image for secrets: its config (env, labels), its history (build args show up there) and every
file of every layer. Reads `docker save` output on stdin or from a file.

Usage: docker save IMAGE | scan_secrets.py -      exit 0: clean; exit 1: findings, one per line
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import pathlib
import tarfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import cli  # noqa: E402
import log as harness_log  # noqa: E402

LOG = harness_log.get("scan_secrets")

# Real credentials, not their names: an Anthropic key/token has a long random tail; a private key block has a
# base64 body. Literal prefixes inside binaries ("sk-ant-api03-" as a format check) do not match.
PATTERNS = {
    "anthropic key or token": re.compile(rb"sk-ant-[a-z]{3}\d{2}-[A-Za-z0-9_-]{40,}"),
    # a PEM body (several full base64 lines), not just the marker that TLS libraries carry as a string
    "private key": re.compile(rb"-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----\r?\n(?:[A-Za-z0-9+/=]{60,76}\r?\n){3,}"),
    "oauth credential json": re.compile(rb'"(?:accessToken|refreshToken)"\s*:\s*"[^"]{20,}"'),
}
SECRET_ENV = re.compile(r"^(ANTHROPIC_API_KEY|CLAUDE_CODE_OAUTH_TOKEN|[A-Z_]*(?:TOKEN|SECRET|PASSWORD)[A-Z_]*)=(.+)$")
# Findings that are known and public, each with its reason. Keep this list short and specific.
ALLOWED = {
    ("private key", re.compile(r"(^|/)usr/lib/[^/]+/libmbedx509\.so[.0-9]*$")):
        "mbedTLS compiles its published test keys (mbedtls_test_*) into the distro library",
    ("private key", re.compile(r"(^|/)usr/lib/[^/]+/libgnutls\.so[.0-9]*$")):
        "GnuTLS carries the published keys of its FIPS power-on self-tests",
}
SECRET_FILES = re.compile(r"(^|/)\.credentials\.json$")
# The extra CA option copies a public certificate bundle on purpose; the build itself sets these names.
ALLOWED_ENV = {"NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE"}


def allowed(name: str, path: str) -> bool:
    return any(kind == name and rx.search(path) for kind, rx in ALLOWED)


def scan_blob(where: str, data: bytes, path: str = "") -> list[str]:
    return [f"{where}: {name}" for name, rx in PATTERNS.items() if rx.search(data) and not allowed(name, path)]


def scan_config(config: dict) -> list[str]:
    found = []
    for entry in (config.get("config") or {}).get("Env") or []:
        m = SECRET_ENV.match(entry)
        if m and m.group(1) not in ALLOWED_ENV and m.group(2).strip():
            found.append(f"image config: environment variable {m.group(1)} has a value")
    for step in config.get("history") or []:
        created = step.get("created_by", "")
        found += scan_blob("history", created.encode())
        for var in ("ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"):
            if re.search(var + r"=\S", created):
                found.append(f"history: {var} set in a build step: {created[:120]}")
    found += scan_blob("image config", json.dumps(config).encode())
    return found


def scan_layer(name: str, layer) -> list[str]:
    found = []
    with tarfile.open(fileobj=layer, mode="r|*") as tar:
        for member in tar:
            if not member.isfile():
                continue
            if SECRET_FILES.search(member.name):
                found.append(f"{name}: {member.name}: credentials file baked into the image")
            fh = tar.extractfile(member)
            if fh is not None:
                found += scan_blob(f"{name}: {member.name}", fh.read(), member.name)
    return found


def scan_json_blob(name: str, data: bytes) -> list[str]:
    """An OCI blob that is JSON: the image config (env, history: scanned as such), or an index or manifest."""
    try:
        document = json.loads(data)
    except ValueError:
        return scan_blob(name, data)
    if isinstance(document, dict) and ("history" in document or "rootfs" in document or "config" in document
                                       and "architecture" in document):
        return scan_config(document)
    return scan_blob(name, data)


def scan_saved(fileobj) -> list[str]:
    """Both layouts `docker save` writes: the legacy one (<id>.json config, <id>/layer.tar) and the OCI one Docker
    25+ writes (blobs/sha256/<digest>: the config and the manifests are JSON blobs beside the layer tars)."""
    found = []
    with tarfile.open(fileobj=fileobj, mode="r|*") as saved:
        for member in saved:
            if not member.isfile():
                continue
            fh = saved.extractfile(member)
            if member.name.endswith(".json") and member.name != "manifest.json" and "/" not in member.name:
                found += scan_config(json.load(fh))
            elif member.name.startswith("blobs/") and fh.peek(1)[:1] in (b"{", b"["):
                found += scan_json_blob(member.name, fh.read())
            elif member.name.endswith("layer.tar") or member.name.startswith("blobs/"):
                found += scan_layer(member.name, fh)
    return found


def scan(args: argparse.Namespace) -> int:
    src = sys.stdin.buffer if args.path == "-" else open(args.path, "rb")
    findings = scan_saved(src)
    for line in findings:
        print(line)
    LOG.info(f"{len(findings)} finding(s)")
    return 1 if findings else 0


def command(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="a `docker save` tar, or - for stdin")
    parser.set_defaults(handler=scan)


if __name__ == "__main__":
    sys.exit(cli.run(sys.modules[__name__]))
