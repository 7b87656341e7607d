"""The run's ledger: a scenario that never reported fails the summary; every phase shows in the time table."""
import subprocess
import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "harness"))
import scenarios  # noqa: E402


@pytest.fixture()
def ledger(tmp_path, monkeypatch):
    monkeypatch.setattr(scenarios, "LEDGER", tmp_path / "scenarios.txt")
    monkeypatch.setattr(scenarios, "PHASES", tmp_path / "phases.txt")
    return tmp_path


def test_run_records_the_result_and_the_time(ledger, capsys):
    assert scenarios.timed("scenario", "image", [sys.executable, "-c", "pass"]) == 0
    assert scenarios.timed("scenario", "k8s", [sys.executable, "-c", "raise SystemExit(3)"]) == 3
    assert scenarios.timed("phase", "integration", ["true"]) == 0
    scenarios.record_phase("go build", "kubernetes 1.34.4", 300.4, "ok")
    assert scenarios.summary(["image", "k8s"]) == 1  # k8s failed
    out = capsys.readouterr().out
    assert "image      PASSED" in out and "k8s        FAILED" in out
    assert "== Time per phase (seconds)" in out and "go build  kubernetes 1.34.4" in out and "exit 3" in out
    assert out.rstrip().splitlines()[-1].split() == ["300", "total"]


def test_an_expected_scenario_that_never_reported_fails(ledger, capsys):
    scenarios.record("image", "passed")
    scenarios.record("k8s", "passed")
    assert scenarios.summary(["image", "k8s"]) == 0
    assert scenarios.summary(["image", "k8s", "default"]) == 1
    assert "default    MISSING" in capsys.readouterr().out


def test_the_command_line_refuses_what_it_does_not_know():
    script = str(REPO / "tests" / "harness" / "scenarios.py")
    assert subprocess.run([sys.executable, script, "summary", "--expect"], capture_output=True, check=False).returncode == 2
    assert subprocess.run([sys.executable, script, "run", "x", "--"], capture_output=True, check=False).returncode == 2
