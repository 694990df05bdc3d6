"""Inputs a researcher will try: dit Distributions, arrays numpy would misread, string sizes,
out-of-range semi-AR specs (issue 15)."""

from fractions import Fraction

import numpy as np
import pytest

dit = pytest.importorskip("dit")

from exactdlm import JointLaw, as_law, expected_kl, joint_entropy, total_correlation  # noqa: E402
from exactdlm.decoding.specs import parse_schedule_spec  # noqa: E402
from exactdlm.schedules import SemiAR, validate_sizes  # noqa: E402


def test_dit_distribution_is_read_by_its_outcomes():
    d = dit.Distribution(["00", "01"], [0.5, 0.5])  # H = 1 bit; numpy would read the labels
    assert abs(joint_entropy(d, base=2) - 1.0) <= 1e-12
    law = as_law(dit.example_dists.Xor())
    assert (law.L, law.V, law.exact) == (3, 2, False)
    assert abs(total_correlation(law, base=2) - 1.0) <= 1e-12
    assert law.symbols == (("0", "1"),) * 3


def test_dit_alphabets_padded_and_symbols_kept():
    d = dit.Distribution([(0, "a"), (1, "b"), (2, "b")], [0.25, 0.25, 0.5])
    law = as_law(d)
    assert (law.L, law.V) == (2, 3)
    assert law.symbols == ((0, 1, 2), ("a", "b", None))
    arr = law.array
    assert arr[2, 1] == 0.5 and arr[0, 0] == 0.25 and arr[:, 2].sum() == 0  # padding has probability 0


class _RationalDitLike:
    """dit 2.x casts every pmf to float64; this stand-in (a class of module ``dit.*``, read by
    the same attributes) has a pmf of Fractions, the case the converter keeps exact."""

    __module__ = "dit.distribution"
    outcomes = (("0", "0"), ("1", "1"))
    pmf = [Fraction(1, 3), Fraction(2, 3)]
    alphabet = (("0", "1"), ("0", "1"))

    def is_log(self):
        return False

    def outcome_length(self):
        return 2


def test_dit_distribution_with_fraction_pmf_is_exact():
    law = as_law(_RationalDitLike())
    assert law.exact and law.array[1, 1] == Fraction(2, 3) and law.array[0, 1] == 0


def test_dit_float_law_to_exact():
    law = as_law(dit.example_dists.Xor()).to_exact(max_denominator=100)
    assert law.exact and law.array[0, 1, 1] == Fraction(1, 4) and law.array[0, 0, 1] == 0


def test_dit_log_pmf_is_converted():
    d = dit.example_dists.Xor().copy(base=2)
    assert d.is_log()
    assert abs(float(as_law(d).array[0, 1, 1]) - 0.25) <= 1e-15


def test_dit_in_the_sampler():
    d = dit.example_dists.Xor()
    want = expected_kl(np.asarray(as_law(d)), (2, 1))
    assert abs(expected_kl(d, (2, 1)) - want) <= 1e-15


def test_flat_pmf_is_one_position():
    law = as_law(dit.example_dists.Xor().pmf)
    assert (law.L, law.V) == (1, 4)


@pytest.mark.parametrize("bad, words", [
    (np.array([0.5 + 0j, 0.5]), "complex"),
    (np.array([0.5 + 1j, 0.5 - 1j]), "complex"),
    (np.array(["0.5", "0.5"]), "strings"),
    (np.array([[0.5, None], [0.25, 0.25]], dtype=object), "rationals"),
    (np.array([0.5, 0.5], dtype=object), "rationals"),
    (np.array([True, False]), "booleans"),
    ({"a": 1}, "got a dict"),
    (None, "got None"),
    (0.5, "the scalar 0.5"),
    ("0.5", "got a str"),
])
def test_misread_arrays_refused(bad, words):
    with pytest.raises(ValueError, match=words):
        JointLaw(bad)


def test_object_array_of_fractions_and_pq_strings_still_exact():
    assert JointLaw(np.array([Fraction(1, 3), Fraction(2, 3)], dtype=object)).exact
    assert JointLaw(np.array(["1/3", "2/3"], dtype=object)).array[0] == Fraction(1, 3)


def test_law_json_with_a_number_for_p():
    with pytest.raises(ValueError, match="flat list"):
        JointLaw.from_json({"L": 1, "V": 2, "p": 5})
    with pytest.raises(ValueError, match="must be numbers"):
        JointLaw.from_json({"L": 1, "V": 2, "p": ["x", "y"]})


def test_string_sizes_refused():
    with pytest.raises(ValueError, match="string '14'"):
        validate_sizes("14", 5)
    assert validate_sizes([1, 4], 5) == (1, 4)


@pytest.mark.parametrize("spec, words", [("semiar:7/2", "exceeds the length"), ("semiar:4/9", "at most 4 steps")])
def test_semiar_out_of_range_refused_like_balanced(spec, words):
    with pytest.raises(ValueError, match=words):
        parse_schedule_spec(spec, 6)
    with pytest.raises(ValueError, match="1..L=6"):
        parse_schedule_spec("balanced:7", 6)


def test_semiar_in_range_still_works():
    s = parse_schedule_spec("semiar:4/4", 6)  # the remainder block of 2 takes min(4, 2) steps
    assert s.lengths == [4, 2]
    assert SemiAR(6, 6, L=6).lengths == [6]


def test_huge_lengths_are_refused_fast():
    import time

    from exactdlm.cli import main
    from exactdlm.laws.joint import check_fits, lattice_bytes

    t0 = time.monotonic()
    assert lattice_bytes(10**9, 2) == float("inf") and lattice_bytes(3, 2) == 8 * 27
    with pytest.raises(ValueError, match="unbounded number of bytes"):
        check_fits(lattice_bytes(10**9, 2), "the lattice")
    with pytest.raises(ValueError, match=r"about 9.67e\+24 bytes"):
        check_fits(lattice_bytes(40, 3), "the lattice")  # 8 * 4^40
    assert main(["info", "--family", "repeated_symbol", "--L", "1000000000", "--V", "2"]) == 2
    assert time.monotonic() - t0 < 10  # (V+1)**L is never computed


def test_results_back_in_the_users_symbols():
    from exactdlm import sampler_law
    from exactdlm import to_dit

    d = dit.Distribution([("a", "x"), ("b", "y"), ("b", "z")], [0.5, 0.25, 0.25])
    law = as_law(d).to_exact(max_denominator=8)
    assert law.symbols == (("a", "b", None), ("x", "y", "z"))  # kept through to_exact
    q = sampler_law(law, (2,))  # both positions at once: the product of the marginals
    out = to_dit(q, law.symbols)
    want = {("a", "x"): 1 / 4, ("a", "y"): 1 / 8, ("a", "z"): 1 / 8, ("b", "x"): 1 / 4, ("b", "y"): 1 / 8,
            ("b", "z"): 1 / 8}
    assert {tuple(o): p for o, p in zip(out.outcomes, out.pmf)} == want
    back = to_dit(law)
    assert {tuple(o): p for o, p in zip(back.outcomes, back.pmf)} == {tuple(o): p for o, p in zip(d.outcomes, d.pmf)}
    assert abs(dit.multivariate.total_correlation(out)) <= 1e-12  # independent, as the sampler made it
