"""Every catalogue claim as a hypothesis property over the shipped strategies.

Each claim the search can attack (per law and schedule, or per law with schedules of its
own) is checked on drawn exact laws (full and sparse support, structured families) and every
composition of ``L``: no comparison may be a violation, and every comparison on an exact law
is decided with a certificate. Existence, limit and incomplete claims have no per-law
property; the last test checks that exactly those are left out, each with its reason.

The settings come from the active hypothesis profile (hypothesis loads its ``ci`` profile
when ``CI`` is set); only the example count is fixed here, and ``deadline=None`` since exact
arithmetic on a fresh law has no useful time bound.
"""

import pytest
from hypothesis import HealthCheck, given, settings

from exactdlm.claims import catalogue, get
from exactdlm.claims.sar import sar_schedules
from exactdlm.search import check_claim, hypothesis_pairs
from exactdlm.search.targets import per_schedule, searchable, unsearchable_reason

CATALOGUE = catalogue()
SEARCHABLE = [c.id for c in CATALOGUE if searchable(c)]
EXAMPLES = 30
#: claims stated only at some lengths draw laws of those lengths (else most examples are vacuous)
LENGTHS = {"SAR": sar_schedules, "SAR-TC": sar_schedules}


@pytest.mark.parametrize("cid", SEARCHABLE)
def test_catalogue_claim_holds_as_a_property(cid):
    claim = get(cid)
    with_sizes = per_schedule(claim)
    made = []
    pairs = hypothesis_pairs(max_L=4)
    if cid in LENGTHS:
        pairs = pairs.filter(lambda pair: bool(LENGTHS[cid](pair[0].L)))

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(pairs)
    def prop(pair):
        law, sizes = pair
        verdicts = check_claim(claim, law, sizes if with_sizes else None)
        for v in verdicts:
            assert v.outcome != "violated", f"{cid} [{v.label}] violated at sizes {v.sizes}: {v.comparison}"
            if law.exact:
                assert v.certified or v.outcome == "undecided", f"{cid} [{v.label}] not certified on an exact law"
        made.append(len(verdicts))

    prop()
    assert len(made) >= EXAMPLES  # every example ran to its end
    assert sum(1 for m in made if m) >= EXAMPLES // 2  # and most made comparisons: no vacuous pass


def test_only_existence_limit_and_incomplete_claims_are_left_out():
    left_out = {c.id: unsearchable_reason(c) for c in CATALOGUE if not searchable(c)}
    for cid, reason in left_out.items():
        c = get(cid)
        assert c.incomplete or c.global_checks is not None or c.missing_requirement(), cid
        assert reason
    assert set(SEARCHABLE) | set(left_out) == {c.id for c in CATALOGUE}
    assert len(SEARCHABLE) >= 15
