"""The results table of ``python -m proofs_checks``: one row per checked constant or closed form.

Columns: ``id`` (the docs/theory.md row), ``constant``, ``claimed`` (as catalogued), ``derived``
(what the checks establish), ``value50`` (the decisive number at 50 digits, when there is
one) and ``status``: ``verified`` (holds and is tight as stated), ``holds (loose)`` (holds;
the derived value is smaller), ``corrected`` (the claim is wrong as stated; ``derived`` is the
true value, asserted by the tests) or ``FAILED`` (a check failed: a bug to look at).
"""

from __future__ import annotations

import json

COLUMNS = ("id", "constant", "claimed", "derived", "value50", "status")
STATUSES = ("verified", "holds (loose)", "corrected", "FAILED")


def row(id_, constant, claimed, derived, value50, status) -> dict:
    if status not in STATUSES:
        raise ValueError(f"status {status!r} is not one of {STATUSES}")
    return dict(zip(COLUMNS, (id_, constant, str(claimed), str(derived), str(value50), status)))


def format_table(rows: list[dict]) -> str:
    """Plain-text table: one block per row (the cells are too long for fixed columns)."""
    lines = []
    for r in rows:
        lines.append(f"[{r['status']}] {r['id']}: {r['constant']}")
        lines.append(f"    claimed: {r['claimed']}")
        lines.append(f"    derived: {r['derived']}")
        if r["value50"]:
            lines.append(f"    50 digits: {r['value50']}")
    n_bad = sum(r["status"] == "FAILED" for r in rows)
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    lines.append("")
    lines.append(", ".join(f"{v} {k}" for k, v in counts.items()) + (" -- FAILURES ABOVE" if n_bad else ""))
    return "\n".join(lines)


def write_json(rows: list[dict], path) -> None:
    with open(path, "w") as fh:
        json.dump({"columns": list(COLUMNS), "rows": rows}, fh, indent=1)
