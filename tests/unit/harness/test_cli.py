"""The harness is one package with one CLI style and one logger: every tool parses with argparse through cli.py,
answers --help, refuses a bad command with exit 2 and a usage line, and logs through log.py."""
import pathlib
import re
import subprocess
import sys

import pytest

HARNESS = pathlib.Path(__file__).resolve().parents[2] / "harness"
sys.path.insert(0, str(HARNESS))
import cli  # noqa: E402

MODULES = sorted(p.stem for p in HARNESS.glob("*.py") if p.stem not in ("__init__", "__main__", "cli", "log", "service", "tlsserver"))


def harness(*argv):
    return subprocess.run([sys.executable, str(HARNESS), *argv], capture_output=True, text=True, timeout=60, check=False)


def test_every_tool_module_is_on_the_cli():
    assert sorted(cli.TOOLS) == MODULES


@pytest.mark.parametrize("tool", cli.TOOLS)
def test_a_tool_answers_help_the_same_way_both_ways(tool):
    by_package = harness(tool, "--help")
    by_script = subprocess.run([sys.executable, str(HARNESS / f"{tool}.py"), "--help"], capture_output=True, text=True, check=False)
    assert by_package.returncode == 0 and by_package.stdout.startswith(f"usage: harness {tool}"), by_package.stderr
    assert by_script.stdout == by_package.stdout


@pytest.mark.parametrize("argv", [
    ["gobuild", "no-such-target"], ["crds", "nope"], ["mirror", "--list-excluded"], ["registry", "sideways"],
    ["testbed", "up"], ["model", "serve"], ["scan_secrets"], ["scenarios", "run"], ["no-such-tool"],
])
def test_a_bad_command_is_refused_with_usage(argv):
    run = harness(*argv)
    assert run.returncode == 2 and "usage: harness" in run.stderr, (run.returncode, run.stderr)


@pytest.mark.parametrize("tool", ["gobuild", "mirror", "testbed", "scan_secrets"])
def test_progress_goes_through_the_one_logger(tool):
    source = (HARNESS / f"{tool}.py").read_text()
    assert f'harness_log.get("{tool}")' in source
    assert "file=sys.stderr" not in source


def test_the_logger_writes_tool_and_time_to_stderr():
    run = subprocess.run([sys.executable, "-c", "import log; log.get('probe').info('hello')"], cwd=HARNESS,
                         capture_output=True, text=True, check=False)
    assert run.stdout == "" and re.fullmatch(r"\[probe \d\d:\d\d:\d\d\] hello\n", run.stderr), run.stderr


# the shapes of call the Makefile, bench/, Molecule and the integration tests make
@pytest.mark.parametrize("tool, argv, field, expected", [
    ("scenarios", "run image -- molecule test -s image", "argv", ["molecule", "test", "-s", "image"]),
    ("scenarios", "phase lint -- make --no-print-directory lint", "argv", ["make", "--no-print-directory", "lint"]),
    ("scenarios", "summary --expect image,k8s,default", "expect", "image,k8s,default"),
    ("gobuild", "kubernetes etcd kwok helm", "targets", ["kubernetes", "etcd", "kwok", "helm"]),
    ("mirror", "list-excluded", "action", "list-excluded"),
    ("testbed", "down parity-roles parity-chart", "names", ["parity-roles", "parity-chart"]),
    ("testbed", "bin kubectl", "names", ["kubectl"]),
    ("model", "up --host 172.18.0.1 --scripts d --record r.jsonl", "host", "172.18.0.1"),
    ("model", "down --name hold", "name", "hold"),
    ("crds", "cilium-networkpolicy", "crd", "cilium-networkpolicy"),
    ("scan_secrets", "-", "path", "-"),
])
def test_a_call_as_written_reaches_its_handler(tool, argv, field, expected):
    args = cli.parser_for(__import__(tool), f"harness {tool}").parse_args(argv.split())
    assert getattr(args, field) == expected


def test_the_scenarios_run_keeps_the_commands_own_options():
    sys.argv = ["scenarios"]
    import scenarios  # noqa: E402
    parser = cli.parser_for(scenarios, "harness scenarios")
    assert parser.parse_args(["run", "x", "--", "pytest", "--help"]).argv == ["pytest", "--help"]


def written_calls():
    """Every `tests/harness/TOOL.py WORD` written in the Makefile, bench/ and Molecule, outside comments."""
    repo = HARNESS.parents[1]
    found = set()
    for path in [repo / "Makefile", *(repo / "bench").glob("*.sh"), *(repo / "molecule").rglob("*.yml")]:
        for line in path.read_text().splitlines():
            if not line.lstrip().startswith("#"):
                found |= set(re.findall(r"tests/harness/(\w+)\.py[\"',]* (-{0,2}[a-z][\w-]*)", line))
    return sorted(found)


def commands(parser):
    """The first words a tool takes: its subcommands, or the choices of its first positional."""
    for action in parser._actions:  # pylint: disable=protected-access
        if action.choices:
            return set(action.choices)
    return set()


@pytest.mark.parametrize("tool, word", written_calls())
def test_each_written_call_names_a_command_the_tool_has(tool, word):
    module = __import__(tool)
    known = set(module.TARGETS) if tool == "gobuild" else commands(cli.parser_for(module, f"harness {tool}"))
    assert word in known, f"tests/harness/{tool}.py {word}: not one of {sorted(known)}"
