"""docs/theory.md stays in step with the claims catalogue and keeps its section numbering.

The code cites the document by section ("§2a", "§7", ...), and the catalogue table of §9 must
list every claim with the provenance the code records (paper and kind).
"""

from __future__ import annotations

import pathlib
import re

import pytest

import exactdlm.claims as claims

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "theory.md"

SECTIONS = ("§1", "§2", "§2a", "§3", "§4", "§5", "§6", "§7", "§8")
FORBIDDEN = ("../shared", "shared/THEORY", "/work/shared", "THEORY.md")
ARXIV = re.compile(r"\d{4}\.\d{4,5}")


@pytest.fixture(scope="module")
def text() -> str:
    assert DOC.is_file(), f"{DOC} is missing"
    return DOC.read_text(encoding="utf-8")


def _norm(s: str) -> str:
    return " ".join(s.split()).casefold()


def catalogue_rows(text: str) -> dict[str, dict[str, str]]:
    """The rows of the table whose header starts with ``| id |``, keyed by claim id (backticks removed)."""
    lines = text.splitlines()
    for start, line in enumerate(lines):
        cells = [c.strip().casefold() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == "id" and "paper" in cells and "kind" in cells:
            header = cells
            break
    else:
        raise AssertionError("docs/theory.md has no catalogue table (header '| id | ... | paper | ... | kind |')")
    rows: dict[str, dict[str, str]] = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == len(header), f"catalogue row with {len(cells)} cells, header has {len(header)}: {line}"
        m = re.fullmatch(r"`([^`]+)`", cells[0])
        assert m, f"catalogue row whose id is not in backticks: {line}"
        cid = m.group(1)
        assert cid not in rows, f"claim {cid} has two rows in the catalogue table"
        rows[cid] = dict(zip(header, cells), _line=line)
    return rows


def recognisable_parts(paper: str) -> list[str]:
    """Strings any of which identifies ``paper`` on a row: the whole string, its author part
    (before ", arXiv"), its arXiv number; for a paper without an arXiv number, its first word."""
    parts = [paper]
    authors = paper.split(", arXiv")[0].strip()
    if authors and authors != paper:
        parts.append(authors)
    ids = ARXIV.findall(paper)
    parts += ids
    if not ids and paper.split():
        parts.append(paper.split()[0])
    return [p for p in parts if p]


def test_sections_present(text):
    headings = [ln for ln in text.splitlines() if ln.startswith("## ")]
    for sec in SECTIONS:
        hits = [h for h in headings if re.match(rf"## {re.escape(sec)}\.\s", h)]
        assert len(hits) == 1, f"expected exactly one heading '## {sec}. ...' in docs/theory.md, found {hits}"
    order = [re.match(r"## (§\d+a?)\.", h).group(1) for h in headings if re.match(r"## §\d+a?\.", h)]
    assert [s for s in order if s in SECTIONS] == list(SECTIONS), f"sections out of order: {order}"


def test_no_private_references(text):
    for bad in FORBIDDEN:
        assert bad not in text, f"docs/theory.md mentions {bad!r}, which users of the package cannot see"


def test_every_claim_has_a_row_with_its_provenance(text):
    claims.load_catalogue()
    cat = claims.catalogue()
    assert cat, "the catalogue is empty"
    rows = catalogue_rows(text)
    for c in cat:
        assert f"`{c.id}`" in text, f"claim id {c.id} does not appear in docs/theory.md"
        assert c.id in rows, f"claim {c.id} has no row in the catalogue table of docs/theory.md"
        row = rows[c.id]
        line = _norm(row["_line"])
        prov = c.provenance
        parts = recognisable_parts(prov.paper)
        assert any(_norm(p) in line for p in parts), (
            f"row of {c.id} does not name its paper {prov.paper!r} (any of {parts}): {row['_line']}")
        assert _norm(row["kind"]) == _norm(prov.kind), (
            f"row of {c.id} gives kind {row['kind']!r}, the code records {prov.kind!r}")
        theorem = next((v for k, v in row.items() if k.startswith("theorem")), None)
        if theorem is not None and prov.theorem:
            assert _norm(prov.theorem) in _norm(theorem), (
                f"row of {c.id} gives theorem {theorem!r}, the code records {prov.theorem!r}")


def test_no_stale_rows(text):
    ids = set(claims.catalogue_ids())
    stale = sorted(set(catalogue_rows(text)) - ids)
    assert not stale, f"docs/theory.md lists claims the catalogue does not have: {stale}"


def test_verdicts_documented(text):
    for v in tuple(claims.VERDICTS) + ("consistent-float",):
        assert f"`{v}`" in text, f"verdict {v!r} is not described in docs/theory.md"


def test_checker_can_fail():
    """The row parser and the provenance match reject a wrong row (the test is not vacuous)."""
    good = "| id | statement | paper | theorem / section | kind |\n|---|---|---|---|---|\n" \
           "| `X-1` | s | Li & Cai, arXiv 2505.21400 | Thm 1 | secondary |\n"
    rows = catalogue_rows(good)
    assert rows["X-1"]["kind"] == "secondary"
    assert any(_norm(p) in _norm(rows["X-1"]["_line"]) for p in recognisable_parts("Zhao & Cai, arXiv 2602.20126")) is False
    with pytest.raises(AssertionError):
        catalogue_rows("no table here")
    with pytest.raises(AssertionError):
        catalogue_rows(good + "| X-2 | s | p | t | derived |\n")
