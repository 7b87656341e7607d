"""Make the repository importable as ansible_collections.ciab.claude_in_a_box (see `make venv`)."""
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".collections"
if not (COLLECTIONS / "ansible_collections" / "ciab" / "claude_in_a_box").exists():
    raise SystemExit("run 'make venv' first: it links the repository into .collections")
sys.path.insert(0, str(COLLECTIONS))
