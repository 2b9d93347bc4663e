"""Writes nltk-porter-fixtures.json: NLTK 3.8's PorterStemmer (default mode NLTK_EXTENSIONS, as the seed used it)
on every distinct lowercase alphanumeric token of the SMS corpus, for nltk-porter-stemmer.spec.ts.

Run once with Debian's NLTK: /usr/bin/python3 nltk-porter-fixtures.py (reads $SPAM_DATA_DIR, default ../shared/data;
needs ../shared/seed-peer for the seed's tokenizer). Tokens are the seed's: lowercase, its word_tokenize (untrained
Punkt, then NLTKWordTokenizer), str.isalnum(); taken from both the seed's truncated `v2` column and the whole row.
A few extra words exercise rules the corpus may not reach (irregular forms, step 2 to 5 suffixes).
"""
import csv
import json
import os
import sys

from nltk.stem.porter import PorterStemmer

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "..", "..", "..", "shared")
DATA = os.environ.get("SPAM_DATA_DIR", os.path.join(SHARED, "data"))
sys.path.insert(0, os.path.join(SHARED, "seed-peer"))
import common  # noqa: E402

EXTRA = [
    "sky", "skies", "dying", "lying", "tying", "news", "innings", "inning", "outings", "outing", "cannings",
    "canning", "howe", "proceed", "exceed", "succeed", "caresses", "ponies", "ties", "dies", "flies", "died",
    "spied", "feed", "agreed", "plastered", "bled", "motoring", "sing", "conflated", "troubled", "sized",
    "hopping", "tanned", "falling", "hissing", "fizzed", "failing", "filing", "happy", "enjoy", "spy", "relational",
    "conditional", "rational", "valenci", "hesitanci", "digitizer", "conformabli", "radicalli", "differentli",
    "vileli", "analogousli", "vietnamization", "predication", "operator", "feudalism", "decisiveness",
    "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti", "hopefulli", "geologi", "archaeologi",
    "triplicate", "formative", "formalize", "electriciti", "electrical", "hopeful", "goodness", "revival",
    "allowance", "inference", "airliner", "gyroscopic", "adjustable", "defensible", "irritant", "replacement",
    "adjustment", "dependent", "adoption", "homologou", "communism", "activate", "angulariti", "homologous",
    "effective", "bowdlerize", "probate", "rate", "cease", "controll", "roll", "generalli", "ab", "a", "",
    "at", "ed", "ing", "eed", "ies", "ied", "yyy", "y", "ys", "syzygy", "toy", "oed", "ised",
    "caf\u00e9s", "na\u00efvety", "stra\u00dfe", "\u00e9t\u00e9s", "\U0001d400\U0001d400ed",
]


def rows():
    with open(os.path.join(DATA, "sms-spam", "spam.csv"), encoding="latin-1", newline="") as f:
        for row in list(csv.reader(f))[1:]:
            yield row[1]
            yield ",".join(row[1:]).rstrip(",")


words = set(EXTRA)
for text in rows():
    words.update(t for t in common.tokenize(text.lower(), "punkt0") if t.isalnum())
stemmer = PorterStemmer()
pairs = {w: stemmer.stem(w) for w in sorted(words)}
with open(os.path.join(HERE, "nltk-porter-fixtures.json"), "w", encoding="utf-8") as f:
    json.dump(pairs, f, ensure_ascii=False, indent=2)  # as prettier writes it
    f.write("\n")
print(f"{len(pairs)} words, {sum(w != s for w, s in pairs.items())} changed by stemming", file=sys.stderr)
