"""Writes sklearn-fixtures.json: scikit-learn's TfidfVectorizer output on a tiny corpus, for tfidf-vectorizer.spec.ts.

Run once with Debian's scikit-learn: /usr/bin/python3 sklearn-fixtures.py (scikit-learn 1.2.1 produced the file).
"""
import json
import os

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

TRAIN = [
    "FREE entry!! Win a £1000 prize: text WIN to 80086 now",
    "Hey, are we still on for dinner tonight? I'll bring the wine",
    "Caf\u00e9 cr\u00e8me\tand  na\u0131\u0308ve r\u00e9sum\u00e9\u2026 \U0001F600\U0001F600 ok",
    "URGENT: your account_id 12345 was\u00a0locked\u2028call 0800-123 now now now",
    "a b c  I  x",
    "Ring ring\x1cring\x85ding dong \u3000 ring the bell, bell-boy",
    "",
    "   \n\t ",
]
TEST = [
    "Win free entry now \U0001F600 caf\u00e9",
    "the bell rings; ring ring!",
    "unknown words only zzzz qqqq",
    "",
]
CONFIGS = {
    "char_wb_2_5_sublinear": dict(
        ts=dict(analyzer="char_wb", ngram_range=(2, 5), lowercase=True, sublinear_tf=True),
        config=dict(analyzers=[dict(kind="char_wb", ngramRange=[2, 5], lowercase=True)], maxFeatures=None, minDf=1,
                    sublinearTf=True, smoothIdf=True, useIdf=True, norm="l2"),
    ),
    "char_wb_4_6_short_words": dict(
        ts=dict(analyzer="char_wb", ngram_range=(4, 6), lowercase=False),
        config=dict(analyzers=[dict(kind="char_wb", ngramRange=[4, 6], lowercase=False)], maxFeatures=None, minDf=1,
                    sublinearTf=False, smoothIdf=True, useIdf=True, norm="l2"),
    ),
    "word_1_2_stop_words": dict(
        ts=dict(analyzer="word", ngram_range=(1, 2), lowercase=True, stop_words="english"),
        config=dict(analyzers=[dict(kind="word", ngramRange=[1, 2], lowercase=True, stopWords="english", stem=False)],
                    maxFeatures=None, minDf=1, sublinearTf=False, smoothIdf=True, useIdf=True, norm="l2"),
    ),
    "word_1_3_cased_min_df_2_unsmoothed": dict(
        ts=dict(analyzer="word", ngram_range=(1, 3), lowercase=False, min_df=2, smooth_idf=False, sublinear_tf=True),
        config=dict(analyzers=[dict(kind="word", ngramRange=[1, 3], lowercase=False, stopWords=None, stem=False)],
                    maxFeatures=None, minDf=2, sublinearTf=True, smoothIdf=False, useIdf=True, norm="l2"),
    ),
    "word_1_1_max_features_5": dict(
        ts=dict(analyzer="word", max_features=5),
        config=dict(analyzers=[dict(kind="word", ngramRange=[1, 1], lowercase=True, stopWords=None, stem=False)],
                    maxFeatures=5, minDf=1, sublinearTf=False, smoothIdf=True, useIdf=True, norm="l2"),
    ),
}

out = {"sklearn": sklearn.__version__, "train": TRAIN, "test": TEST, "cases": {}}
for name, case in CONFIGS.items():
    vec = TfidfVectorizer(**case["ts"])
    vec.fit(TRAIN)
    rows = []
    for matrix in (vec.transform(TRAIN), vec.transform(TEST)):
        matrix.sort_indices()
        for i in range(matrix.shape[0]):
            row = matrix.getrow(i)
            rows.append({"indices": row.indices.tolist(), "values": row.data.tolist()})
    out["cases"][name] = {
        "config": case["config"],
        "featureNames": vec.get_feature_names_out().tolist(),
        "idf": vec.idf_.tolist(),
        "trainRows": rows[: len(TRAIN)],
        "testRows": rows[len(TRAIN):],
    }
ANALYZER_TEXTS = TRAIN + TEST + ["ab", "x", "I", "  go  ", "snake_case under_score __ 3d 42", "e\u0301t\u00e9 na\u00efve"]
ANALYZERS = {
    "char_wb_2_5": dict(analyzer="char_wb", ngram_range=(2, 5)),
    "char_wb_1_3_cased": dict(analyzer="char_wb", ngram_range=(1, 3), lowercase=False),
    "char_wb_5_5": dict(analyzer="char_wb", ngram_range=(5, 5)),
    "word_1_3": dict(analyzer="word", ngram_range=(1, 3)),
    "word_2_2_stop_words": dict(analyzer="word", ngram_range=(2, 2), stop_words="english"),
}
out["analyzers"] = {
    name: [TfidfVectorizer(**params).build_analyzer()(text) for text in ANALYZER_TEXTS] for name, params in ANALYZERS.items()
}
out["analyzerTexts"] = ANALYZER_TEXTS

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sklearn-fixtures.json"), "w") as f:
    json.dump(out, f, indent=1)
