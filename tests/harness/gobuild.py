#!/usr/bin/env python3
"""Compile the binaries the tests need from the Go module proxy, cached by version.

Nothing here can come from a release download (none can be reached from the build machines), so every
binary is built from its Go module at the pinned version. Results land in
``$CIAB_CACHE/bin/<target>-<version>/`` (default ``~/.cache/ciab``); a target whose binaries are all
present is skipped, so a warm run takes well under a second.

Usage: gobuild.py [--list] TARGET...     (prints the directory of each target on stdout)
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import cli  # noqa: E402
import log as harness_log  # noqa: E402
import scenarios  # noqa: E402  (the run's time table, which make test prints)

ROOT = pathlib.Path(__file__).resolve().parents[2]
CACHE = pathlib.Path(os.environ.get("CIAB_CACHE", pathlib.Path.home() / ".cache" / "ciab"))


def manifest_version(name: str) -> str:
    tools = yaml.safe_load((ROOT / "files" / "tools.yml").read_text())["tools"]
    return next(t["version"] for t in tools if t["name"] == name)


NODE_COMPONENTS = ROOT / "roles" / "kind_node_image" / "files" / "components.yml"


def node_components() -> list[dict]:
    """The KIND node image's components (target, version, binaries): one file for the role, build.sh and us."""
    return yaml.safe_load(NODE_COMPONENTS.read_text())


# What a role pins, the harness builds at that version: the role's default is its one place.
ROLE_PINS = {"kind": ("roles/kind_cluster/defaults/main.yml", "kind_cluster_version")}


def harness_version(name: str) -> str:
    """A version of what the harness compiles: the node image's components first, then a role's pin, then
    versions.yml."""
    for component in node_components():
        if component["target"] == name.replace("_", "-") and component["version"] != "tools":
            return str(component["version"])
    if name in ROLE_PINS:
        path, key = ROLE_PINS[name]
        return str(yaml.safe_load((ROOT / path).read_text())[key])
    return str(yaml.safe_load((ROOT / "tests" / "harness" / "versions.yml").read_text())[name])


def k8s_ldflags(version: str) -> str:
    major, minor = version.split(".")[:2]
    flags = []
    for pkg in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version"):
        flags += [
            f"-X {pkg}.gitVersion=v{version}",
            f"-X {pkg}.gitMajor={major}",
            f"-X {pkg}.gitMinor={minor}",
            f"-X {pkg}.gitTreeState=clean",
            f"-X {pkg}.buildDate=1970-01-01T00:00:00Z",
        ]
    return "-s -w " + " ".join(flags)


# target -> how to build it. `module`: the module to require; `packages`: main packages to build (name on
# disk is the last path element unless given as "pkg=name"); `staging`: k8s.io/kubernetes-style module
# whose relative replaces must be rewritten to published versions.
TARGETS = {
    "kubernetes": lambda: dict(
        module="k8s.io/kubernetes", version=manifest_version("kubectl"), staging=True,
        packages=["cmd/kubectl", "cmd/kube-apiserver", "cmd/kube-controller-manager", "cmd/kube-scheduler"],
        ldflags=k8s_ldflags(manifest_version("kubectl"))),
    "kubernetes-node": lambda: dict(
        module="k8s.io/kubernetes", version=manifest_version("kubectl"), staging=True,
        packages=["cmd/kubeadm", "cmd/kubelet", "cmd/kube-proxy"],
        ldflags=k8s_ldflags(manifest_version("kubectl"))),
    "etcd": lambda: dict(
        module="go.etcd.io/etcd/server/v3", version=harness_version("etcd"), packages=[".=etcd"],
        extra_modules=["go.etcd.io/etcd/etcdctl/v3"], extra_packages=["go.etcd.io/etcd/etcdctl/v3=etcdctl"],
        ldflags="-s -w"),
    "kwok": lambda: dict(
        module="sigs.k8s.io/kwok", version=harness_version("kwok"), packages=["cmd/kwok", "cmd/kwokctl"],
        ldflags=f"-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=v{harness_version('kwok')}"),
    "kind": lambda: dict(
        module="sigs.k8s.io/kind", version=harness_version("kind"), packages=[".=kind"], ldflags="-s -w"),
    "helm": lambda: dict(
        module="helm.sh/helm/v3", version=manifest_version("helm"), packages=["cmd/helm"],
        ldflags=f"-s -w -X helm.sh/helm/v3/internal/version.version=v{manifest_version('helm')}"
                " -X helm.sh/helm/v3/internal/version.gitTreeState=clean"),
    "stern": lambda: dict(
        module="github.com/stern/stern", version=manifest_version("stern"), packages=[".=stern"],
        ldflags=f"-s -w -X github.com/stern/stern/cmd.version={manifest_version('stern')}"),
    "yq": lambda: dict(
        module="github.com/mikefarah/yq/v4", version=manifest_version("yq"), packages=[".=yq"], ldflags="-s -w"),
    "crictl": lambda: dict(
        module="sigs.k8s.io/cri-tools", version=manifest_version("crictl"), packages=["cmd/crictl"],
        ldflags=f"-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=v{manifest_version('crictl')}"),
    "k9s": lambda: dict(
        module="github.com/derailed/k9s", version=manifest_version("k9s"), packages=[".=k9s"],
        ldflags=f"-s -w -X github.com/derailed/k9s/cmd.version=v{manifest_version('k9s')}"
                " -X github.com/derailed/k9s/cmd.commit=release"),
    "registry": lambda: dict(
        module="github.com/distribution/distribution/v3", version=harness_version("distribution"),
        packages=["cmd/registry"], ldflags="-s -w"),
    "coredns": lambda: dict(
        module="github.com/coredns/coredns", version=harness_version("coredns"), packages=[".=coredns"],
        ldflags=f"-s -w -X github.com/coredns/coredns/coremain.GitCommit=v{harness_version('coredns')}"),
    "local-path-provisioner": lambda: dict(
        module="github.com/rancher/local-path-provisioner", version=harness_version("local_path_provisioner"),
        packages=[".=local-path-provisioner"],
        ldflags=f"-s -w -X main.VERSION=v{harness_version('local_path_provisioner')}"),
    "kube-router": lambda: dict(
        module="github.com/cloudnativelabs/kube-router/v2", version=harness_version("kube_router"),
        packages=["cmd/kube-router"],
        ldflags=f"-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=v{harness_version('kube_router')}"),
    "compose": lambda: dict(
        module="github.com/docker/compose/v2", version=harness_version("compose"),
        packages=["cmd=docker-compose"],
        ldflags=f"-s -w -X github.com/docker/compose/v2/internal.Version=v{harness_version('compose')}"),
}


log = harness_log.get("gobuild").info


def go(args: list[str], cwd: pathlib.Path) -> str:
    env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=mod -buildvcs=false", GOWORK="off")
    proc = subprocess.run(["go", *args], cwd=cwd, env=env, text=True, capture_output=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"gobuild: 'go {' '.join(args)}' failed in {cwd}")
    return proc.stdout


def split_pkg(spec: str, module: str) -> tuple[str, str]:
    pkg, dummy, name = spec.partition("=")
    full = module if pkg == "." else (pkg if "." in pkg.split("/")[0] else f"{module}/{pkg}")
    return full, name or full.rstrip("/").split("/")[-1]


def staging_replaces(module: str, version: str, work: pathlib.Path) -> list[str]:
    """k8s.io/kubernetes replaces its staging modules by relative paths; point them at published tags."""
    info = json.loads(go(["mod", "download", "-json", f"{module}@v{version}"], work))
    gomod = pathlib.Path(info["GoMod"]).read_text()
    staging_version = "v0." + version.split(".", 1)[1]
    names = sorted(set(re.findall(r"^\s*(k8s\.io/[\w.-]+)\s+=>\s+\./staging/", gomod, re.M)))
    return [f"\t{n} => {n} {staging_version}" for n in names]


@contextlib.contextmanager
def locked(name: str):
    """One builder per target at a time: a second caller waits, then finds the result cached."""
    (CACHE / "locks").mkdir(parents=True, exist_ok=True)
    with open(CACHE / "locks" / f"{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def build(target: str) -> pathlib.Path:
    with locked(target):
        return _build(target)


def _build(target: str) -> pathlib.Path:
    spec = TARGETS[target]()
    version = spec["version"]
    out = CACHE / "bin" / f"{target}-{version}"
    pkgs = [split_pkg(p, spec["module"]) for p in spec["packages"]]
    pkgs += [split_pkg(p, "") for p in spec.get("extra_packages", [])]
    if all((out / name).is_file() for dummy, name in pkgs):
        log(f"{target} {version}: cached in {out}")
        return out
    work = CACHE / "src" / f"{target}-{version}"
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    log(f"{target} {version}: preparing module {spec['module']} (first build downloads its dependencies)")
    (work / "go.mod").write_text("module ciab.local/build\n\ngo 1.24.0\n")
    if spec.get("staging"):
        replaces = staging_replaces(spec["module"], version, work)
        (work / "go.mod").write_text(
            "module ciab.local/build\n\ngo 1.24.0\n\nreplace (\n" + "\n".join(replaces) + "\n)\n")
    imports = "\n".join(f'\t_ "{pkg}"' for pkg, dummy in pkgs)
    (work / "tools.go").write_text(f"//go:build tools\n\npackage tools\n\nimport (\n{imports}\n)\n")
    requires = [f"{spec['module']}@v{version}"] + [f"{m}@v{version}" for m in spec.get("extra_modules", [])]
    go(["get", *requires], work)
    go(["mod", "tidy"], work)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for pkg, name in pkgs:
        log(f"{target} {version}: compiling {name} ({pkg})")
        go(["build", "-trimpath", "-ldflags", spec["ldflags"], "-o", str(tmp / name), pkg], work)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    log(f"{target} {version}: built in {time.monotonic() - started:.0f}s -> {out}")
    scenarios.record_phase("go build", f"{target} {version}", time.monotonic() - started, "ok")
    return out


def build_targets(args: argparse.Namespace) -> int:
    if args.list:
        for name, spec in TARGETS.items():
            print(f"{name}\t{spec()['version']}")
        return 0
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        args.parser.error(f"unknown target(s) {', '.join(unknown)}; valid: {', '.join(TARGETS)}")
    for target in args.targets:
        print(build(target))
    return 0


def command(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=f"one of: {', '.join(TARGETS)}")
    parser.add_argument("--list", action="store_true", help="list the targets and their versions")
    parser.set_defaults(handler=build_targets, parser=parser)


if __name__ == "__main__":
    sys.exit(cli.run(sys.modules[__name__]))
