"""The README's generated sections match their sources (files/tools.yml, argument_specs)."""
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]


def test_readme_is_rendered_from_sources():
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "render_docs.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_every_role_has_argument_specs_and_prefixed_defaults():
    import yaml
    for role in sorted((REPO / "roles").iterdir()):
        specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]
        defaults_file = role / "defaults" / "main.yml"
        defaults = yaml.safe_load(defaults_file.read_text()) if defaults_file.exists() else {}
        for name in defaults or {}:
            assert name.startswith(role.name + "_"), f"{role.name}: default {name} lacks the role prefix"
            assert name in specs.get("options", {}), f"{role.name}: default {name} is not in argument_specs"
