"""Li & Cai (LC): Thm 1, Cor 1, Thm 2 and the tightness of Thm 1's constant (docs/theory.md §5).

LC index sizes in forward-masking order; ``s_max`` does not depend on the order, and every
statement here is written in reveal order.

LC-C1's constant. For balanced sizes ``s_max = ceil(L/K)`` and LC-T1 gives
``EKL <= (2^ceil(log2 s_max) - 1)/L · MI``; with ``s = ceil(L/K)``, ``L > K(s-1)``, so the
factor times ``K`` is below ``(2^ceil(log2 s) - 1)/(s - 1) < 2``: C = 2 already follows from
LC-T1 (C = 4 is what LC state). SH-1 gives ``(s_max - 1)/L < 1/K``, hence C = 1. The check
records the smallest constant the suite supports, ``max K · EKL / MI`` (figure
``C supported by the suite``), and certifies every case against C = 4 and C = 1.
"""

from __future__ import annotations

from fractions import Fraction

from ..engine import info
from ..laws.families import repeated_symbol
from ..engine.sampler import expected_kl
from . import Check, Claim, register_catalogue
from ..schedules import theorem_rules as rules
from .common import prov
from .context import SharedLaw


def step_counts(L: int):
    from ..suites import step_counts as counts

    return counts(L)

LC_PAPER = "LC"


def lc_t1_factor(sizes, L: int) -> Fraction:
    """``(2^ceil(log2 s_max) - 1)/L``."""
    return Fraction(rules.lc_constant(max(sizes)), L)


#: lattice laws with at most this many outcomes also get the learned-predictor form
LEARNED_MAX_CELLS = 27


def _lc_t1(ctx, sizes):
    bound = ctx.mi * ctx.num(lc_t1_factor(sizes, ctx.L))
    yield Check(ctx.ekl(sizes), bound, "le", sizes, "exact predictor (eps_train = 0)")
    if ctx.lattice and ctx.V**ctx.L <= LEARNED_MAX_CELLS:
        from ..engine.predictors import mix_uniform
        from ..engine.sampler import epsilon_train

        pred = mix_uniform(Fraction(1, 4))
        p = ctx.law.base
        yield Check(expected_kl(p, sizes, pred), bound + epsilon_train(p, sizes, pred), "le", sizes,
                    "learned predictor mix_uniform(1/4): E_S KL(p||q̂_S) <= bound + eps_train",
                    note={"predictor": "mix_uniform(1/4)"})


register_catalogue(Claim(
    id="LC-T1", source="LC", provenance=prov(LC_PAPER, "Thm 1", "secondary"), kind="le",
    statement="the expected KL is at most (2^ceil(log2 s_max) - 1)/L times the sum of the mutual informations "
              "I(X_i; X_-i), plus the training error",
    formula="EKL <= (2^ceil(log2 s_max) - 1)/L · sum_i I(X_i; X_{-i}) + eps_train",
    hypotheses="every law and every schedule of the suite with the exact predictor (eps_train = 0); lattice laws "
               f"with V^L <= {LEARNED_MAX_CELLS} also with the learned predictor mix_uniform(1/4) and its eps_train "
               "(from its definition)",
    schedule_checks=_lc_t1))


C_STATED = 4


def _balanced_schedules(L: int, K: int):
    out = [rules.balanced(L, K), rules.balanced(L, K, large_first=False)]
    from .. import schedules

    lib = getattr(schedules, "balanced", None)
    if lib is not None:
        out.append(tuple(int(s) for s in lib(L, K)))
    seen = []
    for s in out:
        if s not in seen:
            seen.append(s)
    return seen


def _lc_c1(ctx):
    L = ctx.L
    mi = ctx.mi
    symbolic = getattr(ctx, "symbolic", False)  # on the profile cone the figure is the exact sup (worst ratio)
    fmi = 0.0 if symbolic else float(mi)
    for K in step_counts(L):
        for sizes in _balanced_schedules(L, K):
            if sorted(set(sizes)) not in ([L // K], [L // K, -(-L // K)], [-(-L // K)]):
                raise ValueError(f"schedules.balanced({L}, {K}) = {sizes} is not balanced")
            ekl = ctx.ekl(sizes)
            fig = ({"C supported by the suite (max K EKL / MI)": ("max", K * float(ekl) / fmi)}
                   if not symbolic and fmi > 1e-12 else None)
            yield Check(ekl, mi * ctx.num(Fraction(C_STATED, K)), "le", sizes, f"K={K}, C=4", note={"K": K, "C": 4},
                        figures=fig)
            yield Check(ekl, mi * ctx.num(Fraction(1, K)), "le", sizes, f"K={K}, C=1 (the constant SH-1 gives)",
                        note={"K": K, "C": 1}, rated=False)


register_catalogue(Claim(
    id="LC-C1", source="LC", provenance=prov(LC_PAPER, "Cor 1 (constant derived here)", "secondary"), kind="le",
    statement="with balanced sizes (s_k in {floor(L/K), ceil(L/K)}, K <= L), EKL <= (C/K) sum_i I(X_i; X_-i); "
              "LC state C = 4; LC-T1 gives C = 2 and SH-1 gives C = 1, both certified here",
    formula="EKL <= (C/K) · sum_i I(X_i; X_{-i}),  C = 4 (and C = 1)",
    hypotheses="every law of the suite, every K = 1..L (up to L = 16; about 12 values per decade beyond), balanced sizes with the larger blocks first and last "
               "(and exactdlm.schedules.balanced when present)",
    quantifier="named schedule family", case_checks=_lc_c1, profile_only=True))


register_catalogue(Claim(
    id="LC-T2", source="LC", provenance=prov(LC_PAPER, "Thm 2", "secondary"), kind="ge",
    statement="lower bound for some schedules: EKL >= s_max/(16L) sum_i sum_j 2^-j E I(X_i; X_{W_j})",
    formula="EKL >= s_max/(16 L) · sum_i sum_j 2^{-j} E I(X_i; X_{W_j})",
    hypotheses="the sets W_j are not defined in the sources available to us",
    incomplete="the sets W_j are not defined in the available (secondary) statements of LC Thm 2, so its right "
               "side cannot be computed"))


def _lc_tight(suite):
    checks = []
    for L in range(2, max(suite.witness_L, 8) + 1):
        for V in (2, 3) if L <= 6 else (2,):
            law = SharedLaw(repeated_symbol(L, V))
            mi = info.mi_sum(law)
            m = 0
            while 2**m <= L:
                s = 2**m
                rest = L - s
                for sizes in ((s,) + (1,) * rest, (s,) + rules.balanced(rest, -(-rest // s)) if rest else (s,)):
                    if max(sizes) != s:
                        continue
                    ekl = expected_kl(law, sizes)
                    checks.append(Check(ekl, mi * lc_t1_factor(sizes, L), "eq", sizes,
                                        f"repeated symbol L={L}, V={V}, first block 2^{m}: EKL = LC-T1 bound",
                                        law=law.base, note={"L": L, "V": V, "m": m}))
                m += 1
    return checks, {}


register_catalogue(Claim(
    id="LC-tight", source="LC", provenance=prov(LC_PAPER, "Thm 1 tightness (witness)", "derived"), kind="eq",
    global_kind="exact",
    statement="the repeated symbol law (uniform on V constant strings) with first block s_1 = s_max = 2^m attains "
              "LC-T1 with equality, so its constant cannot be lowered",
    formula="EKL = (s_1 - 1) log V = (2^m - 1)/L · L log V",
    hypotheses="repeated symbol laws for L = 2..max(8, witness length), V = 2 (and V = 3 up to L = 6), every m with 2^m <= L, first "
               "block 2^m followed by unit steps or by balanced blocks of size <= 2^m",
    quantifier="exists", global_checks=_lc_tight))


# ----------------------------------------------------------------------------------------
# LC-T2 under three readings of W_j (issue 21): each a reading, never the theorem (LC-T2 stays incomplete)
# ----------------------------------------------------------------------------------------
def lc_t2_m(L: int, s_max: int, reading: int, j: int) -> int:
    """``m_j`` of a reading: 1: ``min(L-1, 2^j)``; 2: ``min(L-1, 2^j ceil(L/s_max))``;
    3: ``ceil((L-1)(1 - 2^{-j-1}))``."""
    if reading == 1:
        return min(L - 1, 2**j)
    if reading == 2:
        return min(L - 1, 2**j * -(-L // s_max))
    if reading == 3:
        return -(-(L - 1) * (2 ** (j + 1) - 1) // 2 ** (j + 1))
    raise ValueError(f"reading must be 1, 2 or 3, got {reading}")


def lc_t2_j_range(L: int) -> range:
    """``j = 1..ceil(log2 L)`` (the levels of LC's dyadic decomposition, as read)."""
    return range(1, max(1, (L - 1).bit_length()) + 1)


def lc_t2_rhs(Ibar, L: int, s_max: int, reading: int):
    """``(s_max/16) Σ_j 2^{-j} Ī(m_j)``: with ``W_j`` a uniform ``m_j``-subset of the other positions,
    ``(1/L) Σ_i E I(X_i; X_{W_j}) = Ī(m_j)``, so this is LC-T2's right side, linear in the profile."""
    total = 0
    for j in lc_t2_j_range(L):
        total = total + Ibar[lc_t2_m(L, s_max, reading, j)] * Fraction(1, 2**j)
    return total * Fraction(s_max, 16)


def lc_t2_schedule(L: int, s: int) -> tuple:
    """Largest block first with ``s_max = s``: ``(s, ..., s, L mod s)``."""
    q, r = divmod(L, s)
    return (s,) * q + ((r,) if r else ())


#: lengths of the refuting MDS witnesses (every s_max = 2..L-1)
LC_T2_WITNESS_L = range(3, 9)


def _lc_t2_refuted(reading):
    def checks(suite):
        from .common import mds_law, mds_profile, smallest_prime_at_least
        from ..engine.info import ekl_from_profile

        out = []
        for L in LC_T2_WITNESS_L:
            q = smallest_prime_at_least(L)
            for s in range(2, L):
                law = mds_law(L, s, q)
                g = mds_profile(L, s, q)  # exact LogForms
                Ibar = [g[1] + g[t] - g[t + 1] for t in range(L)]  # Ī(t) = H̄ + g(t) - g(t+1)
                sizes = lc_t2_schedule(L, s)
                rhs = lc_t2_rhs(Ibar, L, s, reading)
                out.append(Check(ekl_from_profile(g, sizes), rhs, "lt", sizes,
                                 f"MDS [{L},{s}]_{q}, sizes {sizes}: EKL = 0 < the reading's right side",
                                 law=law if L <= 5 else None, note={"L": L, "s_max": s, "q": q}))
        return out, {}
    return checks


_READINGS = {1: "m_j = min(L-1, 2^j)", 2: "m_j = min(L-1, 2^j ceil(L/s_max))", 3: "m_j = ceil((L-1)(1-2^{-j-1}))"}
for _r, _m in _READINGS.items():
    register_catalogue(Claim(
        id=f"LC-T2-r{_r}", source="LC", provenance=prov(LC_PAPER, f"Thm 2 under the reading {_m} (a reading, not "
                                                                   "the theorem)", "derived"), kind="le",
        global_kind="exact",
        statement=f"LC-T2 read with W_j uniformly random subsets of size {_m} (j = 1..ceil(log2 L)), i.e. "
                  "EKL >= (s_max/16) Σ_j 2^-j Ī(m_j) for the largest-block-first schedule (s_max, ..., s_max, L mod "
                  "s_max), is false: on the MDS code [L, s_max]_q the first knot makes EKL = 0 while some m_j >= s_max "
                  "makes the right side positive (a verdict on this reading; LC-T2 itself stays incomplete)",
        formula=f"[L, s]_q, sizes (s, ..., s, L mod s):  EKL = 0 < (s/16) · Σ_j 2^-j [m_j >= s] log q,  {_m}",
        hypotheses=f"MDS codes [L, s]_q (q the least prime >= L) for L = {LC_T2_WITNESS_L.start}.."
                   f"{LC_T2_WITNESS_L.stop - 1} and every s = 2..L-1, exact; the reading itself is the false variant "
                   f"fv-LC-T2-r{_r} (tests/data/false_variants.py), refuted on the profile cone",
        quantifier="exists", global_checks=_lc_t2_refuted(_r)))
