#!/usr/bin/env python3
"""Render the generated parts of README.md from their sources of truth.

  <!-- BEGIN tools -->      ... from files/tools.yml
  <!-- BEGIN variables -->  ... from roles/*/meta/argument_specs.yml

Usage: render_docs.py            rewrite README.md in place
       render_docs.py --check    exit 1 and name the stale sections when README.md is out of date
"""
from __future__ import annotations

import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PROFILES = ("minimal", "standard", "full")


def tools_table() -> str:
    tools = yaml.safe_load((ROOT / "files" / "tools.yml").read_text())["tools"]
    rows = ["| tool | category | version | source | smallest profile |", "|---|---|---|---|---|"]
    for t in tools:
        source = {"npm": f"npm `{t.get('package', '')}`", "release": "release binary, sha256-verified",
                  "distro": f"distro package `{t.get('package', '')}`"}[t["source"]]
        rows.append(f"| `{t['name']}` | {t['category']} | {t.get('version', 'distro')} | {source} | {t['profile']} |")
    counts = ", ".join(f"{p}: {sum(1 for t in tools if PROFILES.index(t['profile']) <= i)}"
                       for i, p in enumerate(PROFILES))
    return "\n".join(rows) + f"\n\n{len(tools)} tools ({counts}).\n"


def variables_table() -> str:
    out = []
    for spec_file in sorted(ROOT.glob("roles/*/meta/argument_specs.yml")):
        role = spec_file.parts[-3]
        options = yaml.safe_load(spec_file.read_text())["argument_specs"]["main"].get("options", {})
        out += [f"#### Role `{role}`", "", "| variable | type | default | description |", "|---|---|---|---|"]
        for name, opt in options.items():
            default = opt.get("default", "")
            choices = f" One of: {', '.join(f'`{c}`' for c in opt['choices'])}." if "choices" in opt else ""
            desc = opt.get("description", "")
            desc = " ".join(desc) if isinstance(desc, list) else desc
            desc = re.sub(r"[CVO]\(([^)]*)\)", r"`\1`", desc).replace("|", "\\|").replace("\n", " ")
            shown = f"`{default}`" if default not in ("", None, []) else ("`[]`" if default == [] else '`""`')
            out.append(f"| `{name}` | {opt.get('type', 'str')} | {shown} | {desc}{choices} |")
        out.append("")
    return "\n".join(out)


SECTIONS = {"tools": tools_table, "variables": variables_table}


def render(text: str) -> str:
    for name, fn in SECTIONS.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"render_docs: README.md lacks the markers <!-- BEGIN {name} --> / <!-- END {name} -->")
        text = pattern.sub(lambda m: m.group(1) + fn() + m.group(2), text)
    return text


def main() -> int:
    current = README.read_text()
    wanted = render(current)
    if "--check" in sys.argv:
        if current != wanted:
            print("README.md is out of date: run scripts/render_docs.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
