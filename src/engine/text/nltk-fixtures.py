"""Writes nltk-fixtures.json: NLTK 3.8's word_tokenize as the seed used it, for nltk-word-tokenizer.spec.ts.

Run once with Debian's NLTK: /usr/bin/python3 nltk-fixtures.py (needs ../shared/data and ../shared/seed-peer).
The seed lowercases first, then splits sentences with an untrained PunktSentenceTokenizer, then NLTKWordTokenizer.
"""
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "..", "..", "..", "shared")
sys.path.insert(0, os.path.join(SHARED, "seed-peer"))
import common  # noqa: E402

with open(os.path.join(SHARED, "data", "sms-spam", "spam.csv"), encoding="latin-1") as f:
    rows = [row[1] for row in list(csv.reader(f))[1:]]
TEXTS = rows[:300:3] + [
    'Hello.  (World.) He said "yes." Then--no!! Mr. Smith paid 3.50 at 5 p.m. today... ok?',
    "a. b. c",
    "I cannot gimme wanna go",
    "'tis the season, 't was",
    "Call 0800. now",
    "end with colon:",
    "x,y , z",
    "\u00abquoted\u00bb \u201ctext\u201d \u2018single\u2019 \u201elow",
    "tab\tsep.\tnext",
    "",
    "   ",
    "...",
    "!!!",
    "q? a! b.",
    "I'm sure you'll be fine, won't you? They've gone; she'd left.",
    "(Sent1.) Sent2. [x] {y} <z> *stars* 50% #tag @me $5 & more",
    "Wow!!! I promise. U.S.A. is big. e.g. this.",
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9. \u00c9t\u00e9 2\u00b2. Done",
]
out = [
    {"text": t, "sentences": common.sentences(t.lower(), "punkt0"), "tokens": common.tokenize(t.lower(), "punkt0")}
    for t in TEXTS
]
with open(os.path.join(HERE, "nltk-fixtures.json"), "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
