#!/usr/bin/env python3
"""A real Kubernetes control plane for the tests: KWOK's binary runtime running etcd, kube-apiserver (RBAC
authorization, admission with Pod Security), kube-controller-manager and kube-scheduler, all compiled here
from their Go modules (gobuild.py), with fake nodes so pods reach Running and a pool of pre-made
PersistentVolumes in a `standard` StorageClass so claims really bind.

Usage: testbed.py up NAME [NAME...]     create or reuse clusters; prints one kubeconfig path per cluster
       testbed.py down NAME [NAME...]   delete clusters
       testbed.py kubeconfig NAME       print the kubeconfig path
       testbed.py list                  clusters this harness knows
       testbed.py bin NAME              path of a compiled binary (kubectl, kwokctl, ...)
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cli  # noqa: E402
import gobuild  # noqa: E402
import log as harness_log  # noqa: E402

STATE = gobuild.CACHE / "testbed"
NODES = int(os.environ.get("CIAB_TESTBED_NODES", "3"))
PVS = int(os.environ.get("CIAB_TESTBED_PVS", "6"))
PREFIX = "ciab-"


log = harness_log.get("testbed").info


def binaries() -> dict[str, pathlib.Path]:
    k8s, etcd, kwok = (gobuild.build(t) for t in ("kubernetes", "etcd", "kwok"))
    return {"kube-apiserver": k8s / "kube-apiserver", "kube-controller-manager": k8s / "kube-controller-manager",
            "kube-scheduler": k8s / "kube-scheduler", "kubectl": k8s / "kubectl", "etcd": etcd / "etcd",
            "kwok": kwok / "kwok", "kwokctl": kwok / "kwokctl"}


def kubeconfig(name: str) -> pathlib.Path:
    return STATE / name / "kubeconfig"


def env_for(bins: dict[str, pathlib.Path]) -> dict[str, str]:
    version = gobuild.manifest_version("kubectl")
    return dict(os.environ, KWOK_WORKDIR=str(STATE / "kwok"), KWOK_KUBE_VERSION=f"v{version}",
                PATH=f"{bins['kubectl'].parent}:{os.environ['PATH']}")


def kubectl(bins, name, *args, stdin: str | None = None, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(bins["kubectl"]), "--kubeconfig", str(kubeconfig(name)), *args],
                          input=stdin, text=True, capture_output=True, check=False)
    if check and proc.returncode != 0:
        raise SystemExit(f"testbed {name}: kubectl {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc


def answers(bins, name) -> bool:
    return (kubeconfig(name).exists()
            and kubectl(bins, name, "get", "--raw", "/readyz", "--request-timeout=3s", check=False).returncode == 0)


def fixtures() -> str:
    """Fake nodes (kwok marks them Ready and runs their pods), a StorageClass and a pool of local PVs."""
    items = []
    for i in range(NODES):
        items.append({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": f"kwok-node-{i}",
                         "labels": {"type": "kwok", "kubernetes.io/hostname": f"kwok-node-{i}",
                                    "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"},
                         "annotations": {"node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake"}},
            "status": {"allocatable": {"cpu": "16", "memory": "64Gi", "pods": "110"},
                       "capacity": {"cpu": "16", "memory": "64Gi", "pods": "110"}},
        })
    items.append({
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "kubernetes.io/no-provisioner", "volumeBindingMode": "Immediate",
        "reclaimPolicy": "Retain",
    })
    for i in range(PVS):
        items.append({
            "apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": f"pool-pv-{i}", "labels": {"ciab.io/pool": "testbed"}},
            "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                     "storageClassName": "standard", "persistentVolumeReclaimPolicy": "Retain",
                     "hostPath": {"path": f"/tmp/ciab-testbed-pv-{i}", "type": "DirectoryOrCreate"}},
        })
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items})


def up(name: str, bins) -> pathlib.Path:
    env = env_for(bins)
    if answers(bins, name):
        log(f"{name}: already running")
    else:
        cluster = PREFIX + name
        subprocess.run([str(bins["kwokctl"]), "delete", "cluster", "--name", cluster], env=env, capture_output=True, check=False)
        kubeconfig(name).parent.mkdir(parents=True, exist_ok=True)
        kubeconfig(name).unlink(missing_ok=True)
        log(f"{name}: starting etcd, kube-apiserver (RBAC, admission), controller-manager, scheduler, kwok")
        started = time.monotonic()
        proc = subprocess.run([
            str(bins["kwokctl"]), "create", "cluster", "--name", cluster, "--runtime", "binary",
            "--kubeconfig", str(kubeconfig(name)),
            "--kube-apiserver-binary", str(bins["kube-apiserver"]),
            "--kube-controller-manager-binary", str(bins["kube-controller-manager"]),
            "--kube-scheduler-binary", str(bins["kube-scheduler"]),
            "--etcd-binary", str(bins["etcd"]),
            "--kwok-controller-binary", str(bins["kwok"]),
            "--kube-authorization=true", "--kube-admission=true",
            "--wait", "180s", "--timeout", "240s",
        ], env=env, text=True, capture_output=True, check=False)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit(f"testbed {name}: kwokctl create cluster failed (logs: {STATE / 'kwok' / 'clusters' / cluster / 'logs'})")
        log(f"{name}: control plane up in {time.monotonic() - started:.0f}s")
    kubectl(bins, name, "apply", "--server-side", "--force-conflicts", "-f", "-", stdin=fixtures())
    kubectl(bins, name, "wait", "--for=condition=Ready", "node", "--all", "--timeout=120s")
    return kubeconfig(name)


def down(name: str, bins) -> None:
    subprocess.run([str(bins["kwokctl"]), "delete", "cluster", "--name", PREFIX + name], env=env_for(bins),
                   capture_output=True, check=False)
    shutil.rmtree(STATE / name, ignore_errors=True)
    log(f"{name}: deleted")


def act(args: argparse.Namespace) -> int:
    if args.action == "list":
        for path in sorted(STATE.glob("*/kubeconfig")):
            print(path.parent.name, path)
        return 0
    if args.action == "kubeconfig":
        print(kubeconfig(args.names[0]))
        return 0
    bins = binaries()
    if args.action == "bin":
        print(bins[args.names[0]])
        return 0
    for name in args.names:
        if args.action == "up":
            print(up(name, bins))
        else:
            down(name, bins)
    return 0


def command(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list")
    for action, nargs in (("up", "+"), ("down", "+"), ("kubeconfig", 1), ("bin", 1)):
        sub.add_parser(action).add_argument("names", nargs=nargs, metavar="NAME")
    parser.set_defaults(handler=act)


if __name__ == "__main__":
    sys.exit(cli.run(sys.modules[__name__]))
