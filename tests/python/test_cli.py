"""The one command line (cs_kpi/cli.py): every command answers --help, and usage errors exit 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cs_kpi.cli import COMMANDS, main


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2
    assert "unknown command 'no-such-command'" in capsys.readouterr().err
    assert main([]) == 2
    assert main(["--help"]) == 0
    assert "Exit codes" in capsys.readouterr().out


def test_installed_entry_point_runs(tmp_path: Path) -> None:
    """`make setup` installs the project: the cs-kpi script next to the interpreter works."""
    script = Path(sys.executable).with_name("cs-kpi")
    if not script.exists():
        assert shutil.which("cs-kpi") is None, "cs-kpi is on PATH but not in this venv"
        pytest.fail("cs-kpi is not installed in this environment: run `make setup`")
    missing = tmp_path / "nowhere"
    result = subprocess.run([str(script), "check", "--raw-path", str(missing)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
