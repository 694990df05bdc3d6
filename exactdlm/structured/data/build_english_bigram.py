"""Rebuild ``exactdlm/structured/data/english_bigram_kjv.json``: character bigram counts of the
King James Bible (public domain; see the JSON's ``source`` field), text8-style (issue 22).

The text is read from Debian's ``bible-kjv-text`` package (the Bible Retrieval System's compressed
KJV, which its ``bible`` program from ``bible-kjv`` prints), not committed:

    apt-get download bible-kjv-text bible-kjv
    dpkg-deb -x bible-kjv-text_4.38_all.deb x && dpkg-deb -x bible-kjv_4.38_amd64.deb x
    x/usr/bin/bible -p x/usr/lib gen1:1-rev22:21 > kjv.txt
    python exactdlm/structured/data/build_english_bigram.py kjv.txt

Normalisation as text8 (Mahoney's ``wikifil.pl``): chapter headings ("Genesis 1") and verse
numbers dropped, lower case, every character outside ``a-z`` a space, runs of spaces one space.
The alphabet is ``a..z`` then space (index 26), as in the peer's text8 chain (V = 27). Counts
are over the one normalised string: ``counts[u][v]`` = number of ``i`` with ``s[i] = u,
s[i+1] = v``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ALPHABET = "abcdefghijklmnopqrstuvwxyz "
OUT = Path(__file__).resolve().parent / "english_bigram_kjv.json"


def normalise(raw: str) -> str:
    lines = []
    for line in raw.splitlines():
        if re.fullmatch(r"\s*(\d\s+)?[A-Z][A-Za-z ]*\s\d+\s*", line):  # chapter heading
            continue
        lines.append(line)
    text = " ".join(lines).lower()
    text = re.sub(r"[^a-z]+", " ", text)  # verse numbers, punctuation, newlines
    return text.strip()


def main(argv) -> int:
    if len(argv) != 2:
        print("usage: python exactdlm/structured/data/build_english_bigram.py kjv.txt", file=sys.stderr)
        return 2
    raw = Path(argv[1]).read_text(encoding="latin-1")
    s = normalise(raw)
    index = {c: i for i, c in enumerate(ALPHABET)}
    V = len(ALPHABET)
    counts = [[0] * V for _ in range(V)]
    for a, b in zip(s, s[1:]):
        counts[index[a]][index[b]] += 1
    doc = {
        "alphabet": ALPHABET,
        "source": ("The Holy Bible, King James Version (1611/1769 text), as shipped by Debian's "
                   "bible-kjv-text 4.38 (Bible Retrieval System, Chip Chapin 1989). Public domain "
                   "(in the United Kingdom the KJV is under Crown letters patent)."),
        "normalisation": "text8-style: headings and verse numbers dropped, lower case, non a-z -> space, runs -> one space",
        "characters": len(s),
        "bigrams": len(s) - 1,
        "raw_sha256": hashlib.sha256(raw.encode("latin-1")).hexdigest(),
        "counts": counts,
    }
    OUT.write_text(json.dumps(doc, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}: {len(s):,} characters, {sum(map(sum, counts)):,} bigrams, "
          f"{sum(c == 0 for row in counts for c in row)} empty cells")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
