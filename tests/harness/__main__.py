"""`python tests/harness TOOL ...`: the harness's one entry point (see __init__.py)."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import cli  # noqa: E402

sys.exit(cli.main())
