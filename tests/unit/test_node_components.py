"""The harness gathers exactly the binaries the node image build requires (two lists of one fact, kept equal)."""
from __future__ import annotations

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "harness"))

import node_components  # noqa: E402


def test_harness_gathers_what_build_sh_requires():
    script = (ROOT / "roles" / "kind_cluster" / "files" / "node_image" / "build.sh").read_text()
    required = set(re.search(r"^REQUIRED=\(([^)]*)\)", script, re.M).group(1).split())
    gathered = {name for names in node_components.PARTS.values() for name in names}
    assert gathered == required
