"""``python -m geodata check``: a summary and exit 0 for good data, the problems and exit 1 for bad."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from geodata import BUNDLED_DIR
from geodata.__main__ import main

REPO = Path(__file__).resolve().parents[2]
MISPLACED_SITE = "programs.csv:2: lon/lat: site (48.0, -0.65) is not in GHA: it falls in FRA, 4084 km from GHA"


def test_check_bundled_data_summarises_it(capsys):
    assert main(["check"]) == 0

    out = capsys.readouterr().out
    assert out.startswith(f"data: {BUNDLED_DIR}\n")
    tables = dict(re.findall(r"^  (\w+) +(\d+) rows$", out, flags=re.MULTILINE))
    assert tables == {"countries": "249", "indicators": "5265", "routes": "6", "programs": "13"}
    assert "tip-tier        2007                   149 countries ranked, 4 not ranked in source" in out
    assert "programs: 7 programs at 13 sites in 12 countries" in out
    assert (
        "[prm-2007] U.S. Department of State, Bureau of Population, Refugees, and Migration (PRM), "
        'Fact sheet "Combating Trafficking in Persons: Protecting the Victims", Washington DC, 2007-04-11'
    ) in out


def test_check_names_the_broken_row(bundled_copy, capsys):
    # Row 2 of programs.csv is the Lake Volta site (Yeji, 8.217 N); 48 N is off the coast of France.
    bundled_copy.set_cell("programs.csv", 2, "lat", "48")

    assert main(["check", str(bundled_copy.path)]) == 1

    captured = capsys.readouterr()
    assert captured.out.splitlines() == [MISPLACED_SITE]
    assert captured.err == f"1 problem(s) in {bundled_copy.path}\n"


def test_check_as_a_real_command_exits_1_on_bad_data(bundled_copy):
    # One real process, to see the exit status leave through sys.exit (main() alone cannot show it).
    bundled_copy.set_cell("programs.csv", 2, "lat", "48")

    result = subprocess.run(
        [sys.executable, "-m", "geodata", "check", str(bundled_copy.path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [MISPLACED_SITE]
    assert result.stderr.splitlines()[-1] == f"1 problem(s) in {bundled_copy.path}"
