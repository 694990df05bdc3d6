"""The table of ``python -m proofs_checks`` and ``exactdlm proofs`` (its CLI twin)."""

import json
import os

import pytest

from exactdlm import cli

from . import __main__ as main_mod
from .table import COLUMNS, STATUSES, format_table, row

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_row_refuses_unknown_status():
    with pytest.raises(ValueError, match="status"):
        row("X", "c", "a", "b", "", "ok")


def test_format_table_counts_statuses():
    rows = [row("A", "c", "1", "1", "", "verified"), row("B", "c", "4", "2", "2.0", "holds (loose)"),
            row("C", "c", "1", "2", "", "FAILED")]
    text = format_table(rows)
    assert "1 verified, 1 holds (loose), 0 corrected, 1 FAILED -- FAILURES ABOVE" in text
    assert "50 digits: 2.0" in text


def test_collect_refuses_unknown_theme():
    with pytest.raises(ValueError, match="unknown theme"):
        main_mod.collect(["nope"])


def test_main_one_theme_writes_json(tmp_path, capsys):
    out = tmp_path / "table.json"
    assert main_mod.main(["--only", "wc", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["columns"] == list(COLUMNS)
    assert [r["id"] for r in data["rows"]] == ["WC"] and data["rows"][0]["status"] == "verified"
    assert "[verified] WC" in capsys.readouterr().out


def test_cli_theme_names_match():
    from exactdlm.cli import proofs

    assert tuple(proofs.THEMES) == tuple(main_mod.THEMES)


def test_cli_proofs_from_the_clone(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert cli.main(["proofs", "--only", "wc"]) == 0
    assert "[verified] WC" in capsys.readouterr().out


def test_cli_proofs_outside_a_clone_says_how(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["proofs"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "root of a clone" in err


def test_cli_proofs_bad_theme(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit) as exc:
        cli.main(["proofs", "--only", "nope"])
    assert exc.value.code == 2


@pytest.mark.slow
def test_full_table():
    """Every theme: no FAILED row; the corrected/loosened constants are what the checks derived."""
    rows = main_mod.collect()
    assert all(r["status"] in STATUSES and r["status"] != "FAILED" for r in rows), [
        r["id"] for r in rows if r["status"] == "FAILED"]
    by_id = {}
    for r in rows:
        by_id.setdefault(r["id"], []).append(r)
    assert {"LC-T1 vs SH-1", "LC-tight", "LC-C1", "LC lower side", "G-DTC", "G-TC", "G-MIN", "CCL-1.9", "WC",
            "ZC-TC", "ZC-DTC", "LZ-sqrt"} <= set(by_id)
    assert len(by_id["LZ-sqrt"]) == 3
    assert sum(r["id"].startswith("§6") for r in rows) == 5
    c1 = by_id["LC-C1"][0]
    assert c1["status"] == "holds (loose)" and "C = 2" in c1["derived"] and c1["value50"].startswith("1.98832684824902")
    assert by_id["ZC-TC"][0]["status"] == "holds (loose)" and by_id["ZC-DTC"][0]["status"] == "verified"
