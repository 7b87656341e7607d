#!/usr/bin/env python3
"""A local download mirror on loopback, laid out as the image role's download mirror option expects.

For each release tool that can be compiled here (see MIRRORED), the binary is built from its Go module at
the manifest's version (gobuild.py), packed the way its upstream release packs it (bare binary, or a
tar.gz with the binary at the manifest's `member` path) and stored at <root>/<host>/<path> of the
manifest's URL, beside a checksum file in the upstream's format. The image build then downloads, checks
and unpacks these exactly as it would the real release assets.

Usage: mirror.py build            lay out the mirror (prints its root)
       mirror.py serve            build, then serve it on 127.0.0.1:$CIAB_MIRROR_PORT (default 18080)
       mirror.py stop             stop the server
       mirror.py list-excluded    the release tools the mirror cannot carry (one per line)
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import os
import pathlib
import sys
import tarfile

import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import cli  # noqa: E402
import gobuild  # noqa: E402
import log as harness_log  # noqa: E402
import service  # noqa: E402

# Release tools whose Go module the proxy serves and that build with this Go, by gobuild target.
# kubectx/kubens: the proxy refuses github.com/ahmetb/kubectx (403); nerdctl likewise; trivy and grype
# are left to the GitHub Actions workflow (their builds alone would take most of CI's 90 minutes here).
MIRRORED = {"kubectl": "kubernetes", "helm": "helm", "stern": "stern", "yq": "yq", "crictl": "crictl",
            "k9s": "k9s"}
MIRROR_ROOT = gobuild.CACHE / "mirror"
PORT = int(os.environ.get("CIAB_MIRROR_PORT", "18080"))


log = harness_log.get("mirror").info


def release_tools(arch: str = "amd64") -> list[dict]:
    sys.path.insert(0, str(ROOT / "plugins" / "module_utils"))
    import _tools  # noqa: E402  (the collection's own selection logic, not a copy)
    tools = yaml.safe_load((ROOT / "files" / "tools.yml").read_text())["tools"]
    return [t for t in _tools.select(tools, "full", [], arch) if t["source"] == "release"]


def local_path(url: str) -> pathlib.Path:
    return MIRROR_ROOT / url.split("://", 1)[1]


def pack(binary: pathlib.Path, member: str) -> bytes:
    """A reproducible tar.gz holding `binary` at `member` (mtime 0, root-owned)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(member)
        info.size, info.mode, info.mtime = binary.stat().st_size, 0o755, 0
        with binary.open("rb") as fh:
            tar.addfile(info, fh)
    return gzip.compress(raw.getvalue(), mtime=0)


def checksum_line(tool: dict, filename: str, digest: str) -> str:
    if tool["checksum_field"]:
        # one line, many hashes (yq's format); only the manifest's column is meaningful here
        cols = [filename] + ["0" * 8] * (int(tool["checksum_field"]) - 2) + [digest]
        return " ".join(cols) + "\n"
    return f"{digest}  {filename}\n"


def build() -> pathlib.Path:
    for tool in release_tools():
        if tool["name"] not in MIRRORED:
            continue
        bindir = gobuild.build(MIRRORED[tool["name"]])
        binary = bindir / tool["name"]
        filename = tool["url"].rsplit("/", 1)[1]
        target = local_path(tool["url"])
        target.parent.mkdir(parents=True, exist_ok=True)
        # Packing compresses about 300 MB (kubectl, helm, k9s): a stamp of the binary it packed skips that when
        # nothing changed, so a warm `serve` takes a second, not twenty.
        stamp = target.with_name(target.name + ".source")
        source = f"{binary.stat().st_size} {binary.stat().st_mtime_ns} {tool['member'] or ''}\n"
        if target.exists() and stamp.exists() and stamp.read_text() == source:
            data = target.read_bytes()
        else:
            data = pack(binary, tool["member"]) if tool["member"] else binary.read_bytes()
            if not target.exists() or target.read_bytes() != data:
                target.write_bytes(data)
            stamp.write_text(source)
        digest = hashlib.sha256(data).hexdigest()
        checksums = local_path(tool["checksum_url"])
        # several tools may share one checksum file (e.g. checksums.txt): merge lines, one per file
        lines = {}
        if checksums.exists():
            for line in checksums.read_text().splitlines():
                parts = line.split()
                if len(parts) >= 2:
                    lines[parts[0] if tool["checksum_field"] else parts[1]] = line + "\n"
        if checksums.name.endswith((".sha256",)) and checksums.name != "checksums.sha256":
            content = digest + "\n"  # bare hash, as dl.k8s.io and cri-tools publish it
        else:
            lines[filename] = checksum_line(tool, filename, digest)
            content = "".join(lines[k] for k in sorted(lines))
        checksums.write_text(content)
        log(f"{tool['name']} {tool['version']}: {target.relative_to(MIRROR_ROOT)} sha256 {digest[:12]}")
    return MIRROR_ROOT


def url() -> str:
    return f"http://127.0.0.1:{PORT}"


def serve() -> None:
    build()
    service.start("mirror", [sys.executable, "-m", "http.server", str(PORT), "--bind", "127.0.0.1",
                             "--directory", str(MIRROR_ROOT)], url() + "/", gobuild.CACHE)
    log(f"serving {MIRROR_ROOT} at {url()}")


def stop() -> None:
    service.stop("mirror", gobuild.CACHE)


def act(args: argparse.Namespace) -> int:
    if args.action == "build":
        print(build())
    elif args.action == "serve":
        serve()
        print(url())
    elif args.action == "stop":
        stop()
    else:
        print("\n".join(t["name"] for t in release_tools() if t["name"] not in MIRRORED))
    return 0


def command(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["build", "serve", "stop", "list-excluded"])
    parser.set_defaults(handler=act)


if __name__ == "__main__":
    sys.exit(cli.run(sys.modules[__name__]))
