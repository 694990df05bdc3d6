"""The exact engine on arrays: a law over ``[V]^L`` in, exact or float quantities out (docs/theory.md §2-§4, §7).

Above the numbers (:mod:`exactdlm.arith`), the laws and the schedule types; below the
adaptive rules, structured laws, decoding specs, claims and search. Modules:

* ``_kernels/``  -- every numba kernel with its pure-Python twin (numbers in, numbers out);
* ``lattice``    -- all ``(V+1)^L`` marginals of a law (the masked lattice);
* ``info``       -- subset entropies, g, Ī, TC, DTC, Σ I, conditional TC, (E1)/(E3);
* ``divergence`` -- KL, TV, chi²;
* ``predictors`` -- learned predictors: a joint law, a conditional table or a perturbation;
* ``sampler``    -- the sampler's exact output law by DP over masks, EKL, learning error.
"""
