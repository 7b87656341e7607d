#!/usr/bin/env python3
"""Gather the binaries a KIND node image is built from, compiled from their Go modules (gobuild.py, cached).

Prints the directory, ``$CIAB_CACHE/node-components/v<kubernetes version>``, made of links into the gobuild
cache; the kind_node_image role runs this script when it must build (``kind_node_image_components_command``);
or pass the directory as ``kind_node_image_components_dir``, or to roles/kind_node_image/files/build.sh.
Air-gapped users with a Kubernetes release mirror fill such a directory from it instead.
"""
from __future__ import annotations

import argparse
import os
import sys

import cli  # noqa: E402
import gobuild  # noqa: E402

# gobuild target -> binaries of it the node image needs: the role's components.yml, the one list
PARTS = {c["target"]: c["binaries"] for c in gobuild.node_components()}


def link(args: argparse.Namespace) -> int:
    out = gobuild.CACHE / "node-components" / f"v{gobuild.manifest_version('kubectl')}"
    out.mkdir(parents=True, exist_ok=True)
    for target, names in PARTS.items():
        built = gobuild.build(target)
        for name in names:
            path = out / name
            if path.is_symlink() or path.exists():
                path.unlink()
            os.symlink(built / name, path)
    print(out)
    return 0


def command(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=link)


if __name__ == "__main__":
    sys.exit(cli.run(sys.modules[__name__]))
