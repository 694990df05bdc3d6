"""proofs_checks: the constants and closed forms of docs/theory.md §5-§6, redone by computer.

One helper module per theme holds the derivations (sympy for the symbolic steps, exact
integers/rationals for the exhaustive sweeps, mpmath at 50 digits where a value decides);
the ``test_*.py`` modules assert them and ``python -m proofs_checks [--json OUT]`` prints the
same results as one table (``table.py``):

* ``closed_forms``: g, Ī, TC, DTC, Σ I, EKL of the §6 families, symbolic and against the engine;
* ``lc_constants``: LC-T1 / SH-1 / LC-tight / LC-C1 constants and the lower-bound side;
* ``geometric``: G-DTC, G-TC, G-MIN per-block inequalities, step counts, WC lower bounds, CCL-1.9;
* ``worst_case``: the WC ratio formulas and their MDS witnesses;
* ``zc``: E[N_j] of the cut-point construction and the ZC-TC / ZC-DTC coefficients;
* ``lz``: the LZ square-root rule against the optimal-schedule DP.

The laws, schedule rules and cut-point expectations are re-derived here from docs/theory.md §5-§6,
independently of ``exactdlm.families`` / ``exactdlm.schedules``; ``test_crosschecks.py``
compares the two, so the step-count checks also cover the package's constructors. Exact
equality of log-forms is decided here by prime factorization (``exactness.py``), and
compared with ``exactdlm.arith.decide``'s coprime-base decision.
"""
