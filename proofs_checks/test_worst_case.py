"""WC (docs/theory.md §5): worst-case ratio formulas, their (E4) upper bound, MDS codes attaining them."""

from fractions import Fraction

import pytest

from . import worst_case as wc


def test_block_formulas_equal_token_maxima():
    assert wc.formulas_match_tokens(12) == []


def test_upper_bound_slack_nonnegative():
    """EKL <= ratio·DTC (TC) for every law: the slack is a non-negative combination of ΔĪ(j) >= 0."""
    assert wc.slack_coefficients_nonnegative(8) == []


def test_mds_attains_symbolically():
    res = wc.mds_attainment_symbolic()
    assert all(v == 0 for v in res.values()), res


@pytest.mark.parametrize("L,q", [(4, 5), (5, 5)])
def test_mds_attains_on_the_exact_engine(L, q):
    res = wc.engine_attainment(L, q)
    assert res["exceeded"] == []
    assert res["attained"] == 2 * res["schedules"] == 2 ** L
    assert res["checked"] == 2 * res["schedules"] * (L - 1)


def test_formula_values():
    """Hand-computed cases: (2,2,1): DTC ratio max(1/1, 1/3, 0) = 1, TC ratio max(1/4, 1/2) = 1/2."""
    assert wc.wc_formulas((2, 2, 1)) == (Fraction(1), Fraction(1, 2))
    assert wc.wc_formulas((1, 1, 3)) == (Fraction(2, 3), Fraction(1))
    assert wc.wc_formulas((5,)) == (Fraction(4), Fraction(1))
    assert wc.wc_formulas((1,) * 6) == (0, 0)
    assert wc.worst_k((1, 1, 3), "DTC") == 3 and wc.worst_k((2, 2, 1), "TC") == 3


def test_a_wrong_formula_is_caught():
    """Using t_{k-1} instead of t_{k-1}+1 in the DTC formula disagrees with the token maxima."""
    from exactdlm.schedules import compositions, cumulative

    def wrong(sizes):
        t = cumulative(sizes)
        return max(Fraction(s - 1, max(a, 1)) for s, a in zip(sizes, t))

    assert any(wrong(s) != wc.wc_by_tokens(s)[0] for s in compositions(6))


def test_worst_k_refuses_unknown_measure():
    with pytest.raises(ValueError, match="DTC"):
        wc.worst_k((2, 3), "MI")
