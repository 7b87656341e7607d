#!/usr/bin/env python3
"""CustomResourceDefinitions the tests validate rendered objects against, taken from their projects' Go modules
through the module proxy (the same source gobuild.py compiles from), so no release download is needed.

Usage: crds.py cilium-networkpolicy    print the path of Cilium's CiliumNetworkPolicy CRD (v2)
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cli  # noqa: E402
import gobuild  # noqa: E402

CRDS = {
    "cilium-networkpolicy": ("github.com/cilium/cilium", "cilium",
                             "pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml"),
}


def show(args: argparse.Namespace) -> int:
    module, version_key, path = CRDS[args.crd]
    work = gobuild.CACHE / "crds"
    work.mkdir(parents=True, exist_ok=True)
    info = json.loads(gobuild.go(["mod", "download", "-json", f"{module}@v{gobuild.harness_version(version_key)}"], work))
    crd = pathlib.Path(info["Dir"]) / path
    if not crd.is_file():
        raise SystemExit(f"crds: {path} is not in {module}")
    print(crd)
    return 0


def command(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("crd", choices=sorted(CRDS))
    parser.set_defaults(handler=show)


if __name__ == "__main__":
    sys.exit(cli.run(sys.modules[__name__]))
