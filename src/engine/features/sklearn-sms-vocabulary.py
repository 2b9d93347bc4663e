"""Writes sklearn-sms-vocabulary.json: which terms scikit-learn's max_features keeps on the SMS training rows.

Run with Debian 12's scikit-learn and pandas: /usr/bin/python3 sklearn-sms-vocabulary.py [DATA_DIR]
(default ../shared/data beside the project; scikit-learn 1.2.1 / numpy 1.24.2 produced the file).
The texts are the training rows of sms-spam/split-seed42.json, v2 only as the seed read them; many terms tie at the
max_features cut, so the kept vocabulary depends on numpy's argsort order. Only counts and a sha256 of the kept
vocabulary (terms joined by newlines, UTF-8) are stored, not the data.
"""
import hashlib
import json
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data")
CASES = {
    "word 1-2, top 3000": dict(
        ts=dict(ngram_range=(1, 2), max_features=3000),
        config=dict(analyzers=[dict(kind="word", ngramRange=[1, 2], lowercase=True, stopWords=None, stem=False)],
                    maxFeatures=3000, minDf=1, sublinearTf=False, smoothIdf=True, useIdf=True, norm="l2"),
    ),
    "char_wb 2-4, top 5000, min_df 2": dict(
        ts=dict(analyzer="char_wb", ngram_range=(2, 4), max_features=5000, min_df=2),
        config=dict(analyzers=[dict(kind="char_wb", ngramRange=[2, 4], lowercase=True)],
                    maxFeatures=5000, minDf=2, sublinearTf=False, smoothIdf=True, useIdf=True, norm="l2"),
    ),
}


def sha256(terms):
    return hashlib.sha256("\n".join(terms).encode("utf-8")).hexdigest()


texts = pd.read_csv(os.path.join(DATA, "sms-spam", "spam.csv"), encoding="cp1252")["v2"].values
with open(os.path.join(DATA, "sms-spam", "split-seed42.json")) as f:
    train = [texts[i] for i in json.load(f)["train_rows"]]

out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "rows": len(train), "cases": {}}
for name, case in CASES.items():
    kept = TfidfVectorizer(**case["ts"]).fit(train).get_feature_names_out().tolist()
    uncut = CountVectorizer(**{**case["ts"], "max_features": None})
    totals = np.asarray(uncut.fit_transform(train).sum(axis=0)).ravel()
    terms = uncut.get_feature_names_out()
    limit = case["ts"]["max_features"]
    cut = np.sort(totals)[::-1][limit - 1]
    tied = terms[totals == cut]
    kept_tied = sorted(set(kept) & set(tied.tolist()))
    by_term_order = sorted(terms[np.lexsort((np.arange(len(terms)), -totals))][:limit].tolist())
    assert sha256(by_term_order) != sha256(kept), f"{name}: no tie decided by argsort order; pick another limit"
    out["cases"][name] = {
        "config": case["config"],
        "termsBeforeCut": len(terms),
        "countAtCut": int(cut),
        "tiedAtCut": len(tied),
        "keptOfTied": len(kept_tied),
        "keptSha256": sha256(kept),
        "tiesByTermOrderSha256": sha256(by_term_order),
    }

with open(os.path.join(HERE, "sklearn-sms-vocabulary.json"), "w") as f:
    json.dump(out, f, indent=1)
