#!/usr/bin/env python3
"""Gather the binaries a KIND node image is built from, compiled from their Go modules (gobuild.py, cached).

Prints the directory, ``$CIAB_CACHE/node-components/v<kubernetes version>``, made of links into the gobuild
cache; the kind_node_image role runs this script when it must build (``kind_node_image_components_command``);
or pass the directory as ``kind_node_image_components_dir``, or to roles/kind_node_image/files/build.sh.
Air-gapped users with a Kubernetes release mirror fill such a directory from it instead.
"""
from __future__ import annotations

import os
import sys

import gobuild

# gobuild target -> binaries of it the node image needs: the role's components.yml, the one list
PARTS = {c["target"]: c["binaries"] for c in gobuild.node_components()}


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
