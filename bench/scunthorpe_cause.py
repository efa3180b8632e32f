#!/usr/bin/env python3
"""Which rows of the Scunthorpe probe the filter flags *because of* their innocent word.

Usage: python3 bench/scunthorpe_cause.py MAJLIS_BINARY DATA_DIR

Every probe row is a clean comment that contains an innocent word embedding a profane root
(مصر ⊃ مص, حزب ⊃ زب, class ⊃ ass). The filter holds some of these comments for the rest of
their text: the abuse model holds about 10% of clean news comments at the operating point
the MPOLD target sets, and the probe's rows are such comments. What the probe tests is the
innocent word, so each flagged row (masked, held or rejected) is judged again with that word taken out: a row held with
the word and published unchanged without it is flagged because of the word (a Scunthorpe failure, by
the word lists, the model's n-grams or a signal).

The word is found under a light Arabic fold (alef and hamza seats, ta marbuta, alef maqsura,
tatweel, marks, case), since the probe's `innocent_word` column is written normalized
(الجزاير) while the text is as typed (الجزائر). Rows where it is still not found are counted
and reported, not guessed at.
"""

import json
import re
import subprocess
import sys

FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ئ": "ي", "ؤ": "و", "ـ": None})
MARKS = re.compile("[\u064b-\u065f\u0670]")


def fold(text: str) -> str:
    return MARKS.sub("", text.translate(FOLD)).lower()


def without(text: str, word: str) -> str:
    """`text` as typed with every occurrence of `word` (found under the fold) blanked out, so
    that the row judged again differs from the original only by the word."""
    folded, origin = [], []
    for k, c in enumerate(text):
        for d in fold(c):
            folded.append(d)
            origin.append(k)
    folded_text = "".join(folded)
    keep = [True] * len(text)
    at = folded_text.find(word)
    while word and at >= 0:
        for k in range(origin[at], origin[at + len(word) - 1] + 1):
            keep[k] = False
        at = folded_text.find(word, at + len(word))
    return "".join(c if kept else " " for c, kept in zip(text, keep))


def is_flagged(verdict: dict) -> bool:
    return verdict["action"] != "publish" or verdict.get("masked_body") is not None


def verdicts(majlis: str, texts: list[str]) -> list[dict]:
    lines = "\n".join(t.replace("\n", " ") for t in texts) + "\n"
    out = subprocess.run(
        [majlis, "filter", "check"], input=lines, capture_output=True, text=True, check=True
    ).stdout
    return [json.loads(line) for line in out.splitlines()]


def main() -> None:
    majlis, data = sys.argv[1], sys.argv[2]
    with open(f"{data}/scunthorpe_probe.tsv", encoding="utf-8") as f:
        header, *rows = [line.split("\t") for line in f.read().splitlines() if line.strip()]
    word_col, text_col = header.index("innocent_word"), header.index("text")
    words = [fold(r[word_col]) for r in rows]
    texts = [r[text_col] for r in rows]
    found = [w in fold(t) for w, t in zip(words, texts)]
    with_word = verdicts(majlis, texts)
    without_word = verdicts(majlis, [without(t, w) for w, t in zip(words, texts)])
    flagged = [i for i, v in enumerate(with_word) if is_flagged(v)]
    caused = [i for i in flagged if found[i] and not is_flagged(without_word[i])]
    n = len(rows)
    print(f"rows {n}; masked, held or rejected {len(flagged)} ({100 * len(flagged) / n:.2f}%)")
    print(
        f"masked, held or rejected because of the innocent word: {len(caused)} "
        f"({100 * len(caused) / n:.2f}%); word not found in {found.count(False)} rows"
    )
    for i in caused:
        codes = ",".join(r["code"] for r in with_word[i]["reasons"])
        print(f"  {rows[i][word_col]}\t{codes}")


if __name__ == "__main__":
    main()
