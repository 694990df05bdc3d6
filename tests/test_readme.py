"""The README's promises: two set-up commands first, and its Python example runs as printed."""

import math
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks(lang):
    return re.findall(rf"```{lang}\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_opens_with_exactly_two_setup_commands():
    text = README.read_text()
    first = _blocks("bash")[0].strip().splitlines()
    assert text.index("```bash") < text.index("\n## ")
    assert len(first) == 2
    assert first[0].endswith("exactdlm verify")
    assert first[1].endswith("python -m pytest -q")


def test_readme_python_example_runs_and_prints_the_theory_numbers(capsys):
    code = _blocks("python")[0]
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    ekl, mix = (float(x) for x in out[0].split())
    # docs/theory.md §2: noisy repeated bit, L=5, flip 0.1, schedule (1,4): EKL 0.2900, mixture 0.0448
    assert math.isclose(ekl, 0.2900, abs_tol=5e-5) and math.isclose(mix, 0.0448, abs_tol=5e-5)
    assert "holds (certified" in out[1]


def test_readme_subset_measures_example_runs_and_agrees_with_dit(capsys):
    """The README's subsets-and-dit block runs as printed; its numbers are checked independently."""
    import textwrap

    import dit

    code = next(b for b in _blocks("python") if "mutual_information" in b)
    exec(compile(textwrap.dedent(code), "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 5
    # xor of two fair bits: TC = 1 bit (dit), and parity(3) is the same law
    assert math.isclose(float(out[3]), dit.multivariate.total_correlation(dit.example_dists.Xor()), abs_tol=1e-12)
    assert out[4] == "1"
