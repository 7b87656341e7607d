#!/usr/bin/env python3
"""Gather the binaries a KIND node image is built from, compiled from their Go modules (gobuild.py, cached).

Prints the directory, ``$CIAB_CACHE/node-components/v<kubernetes version>``, made of links into the gobuild
cache; pass it to the kind_cluster role as ``kind_cluster_node_components_dir`` (or to node_image/build.sh).
Air-gapped users with a Kubernetes release mirror fill such a directory from it instead.
"""
from __future__ import annotations

import os
import sys

import gobuild

# gobuild target -> binaries of it the node image needs
PARTS = {
    "kubernetes": ["kubectl", "kube-apiserver", "kube-controller-manager", "kube-scheduler"],
    "kubernetes-node": ["kubeadm", "kubelet", "kube-proxy"],
    "etcd": ["etcd"],
    "coredns": ["coredns"],
    "local-path-provisioner": ["local-path-provisioner"],
    "kube-router": ["kube-router"],
    "crictl": ["crictl"],
}


def main() -> int:
    out = gobuild.CACHE / "node-components" / f"v{gobuild.manifest_version('kubectl')}"
    out.mkdir(parents=True, exist_ok=True)
    for target, names in PARTS.items():
        built = gobuild.build(target)
        for name in names:
            link = out / name
            if link.is_symlink() or link.exists():
                link.unlink()
            os.symlink(built / name, link)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
