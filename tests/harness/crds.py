#!/usr/bin/env python3
"""CustomResourceDefinitions the tests validate rendered objects against, taken from their projects' Go modules
through the module proxy (the same source gobuild.py compiles from), so no release download is needed.

Usage: crds.py cilium-networkpolicy    print the path of Cilium's CiliumNetworkPolicy CRD (v2)
"""
from __future__ import annotations

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gobuild  # noqa: E402

CRDS = {
    "cilium-networkpolicy": ("github.com/cilium/cilium", "cilium",
                             "pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml"),
}


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1] not in CRDS:
        print(__doc__, file=sys.stderr)
        return 64
    module, version_key, path = CRDS[sys.argv[1]]
    work = gobuild.CACHE / "crds"
    work.mkdir(parents=True, exist_ok=True)
    info = json.loads(gobuild.go(["mod", "download", "-json", f"{module}@v{gobuild.harness_version(version_key)}"], work))
    crd = pathlib.Path(info["Dir"]) / path
    if not crd.is_file():
        raise SystemExit(f"crds: {path} is not in {module}")
    print(crd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
