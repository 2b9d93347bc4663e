#!/usr/bin/env python3
"""The scikit-learn reference of `npm run bench:accuracy`: one split in, its figures out.

    python3 bench/sklearn_reference.py --version          # imports sklearn, prints the versions as JSON
    python3 bench/sklearn_reference.py INPUT.json OUTPUT.json

INPUT.json: {"train": {"texts": [...], "labels": [...]}, "test": {"texts": [...], "labels": [...]},
             "folds": 5, "cs": [0.1, 0.3, 1, 3, 10], "seed": 1, "label": "sms split 1"}
Labels are 1 = spam, 0 = ham. The texts are used as given: the benchmark has already cut each one to the trainer's
first 20,000 characters.

Model: Pipeline(TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5), sublinear_tf=True, lowercase=True),
LinearSVC(class_weight='balanced')), C chosen by GridSearchCV (scoring f1, StratifiedKFold(folds, shuffle, seed))
on the training rows only, refitted on all of them, then measured once on the test rows (spam when the decision
function is > 0, LinearSVC's predict). The vectorizer is inside the pipeline, so each CV fold fits it on that fold's
training part only. Two caches save passes over the texts without changing a figure: the pipeline's memory keeps each
fold's vectorizer fit, and FoldTfidfVectorizer keeps each fold's transform of its validation part, so the five C values
share both (on email that is about a third of the search's time). numpy's global generator is seeded with the split's
seed, so LinearSVC's coordinate-descent shuffling, and with it every figure, repeats from run to run.

OUTPUT.json: accuracy, precision, recall, f1, mcc, rocAuc, fp, fn, tp, tn, C, cvF1, cvByC, nFeatures, seconds
(and searchSeconds, fitSeconds, evaluateSeconds), convergenceWarnings, versions.
Progress goes to stderr, nothing to stdout.
"""
import json
import shutil
import sys
import tempfile
import time
import uuid
import warnings

from sklearn.feature_extraction.text import TfidfVectorizer


class FoldTfidfVectorizer(TfidfVectorizer):
    """TfidfVectorizer whose transform is computed once per fitted vocabulary and list of texts.

    Under GridSearchCV each C value scores the same fold: the same fitted vectorizer (loaded from the pipeline's
    memory, so a new object each time but the same fit_token_) transforms the same validation texts. The result is
    kept in memory for the process's life; the transform is deterministic, so the figures are those of a plain
    TfidfVectorizer.
    """

    _transforms = {}

    def fit_transform(self, raw_documents, y=None):
        self.fit_token_ = uuid.uuid4().hex
        return super().fit_transform(raw_documents, y)

    def fit(self, raw_documents, y=None):
        self.fit_token_ = uuid.uuid4().hex
        return super().fit(raw_documents, y)

    def transform(self, raw_documents):
        import joblib

        key = (getattr(self, 'fit_token_', None), joblib.hash(list(raw_documents)))
        if key[0] is None:
            return super().transform(raw_documents)
        if key not in FoldTfidfVectorizer._transforms:
            FoldTfidfVectorizer._transforms[key] = super().transform(raw_documents)
        return FoldTfidfVectorizer._transforms[key]


def versions():
    import numpy
    import scipy
    import sklearn

    return {
        'python': sys.version.split()[0],
        'sklearn': sklearn.__version__,
        'numpy': numpy.__version__,
        'scipy': scipy.__version__,
    }


def run(spec):
    import numpy
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        matthews_corrcoef,
        precision_score,
        recall_score,
        roc_auc_score,
    )
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    train_texts, y_train = spec['train']['texts'], spec['train']['labels']
    test_texts, y_test = spec['test']['texts'], spec['test']['labels']
    folds, cs, seed = int(spec['folds']), [float(c) for c in spec['cs']], int(spec['seed'])
    label = spec.get('label', 'split')

    started = time.perf_counter()
    cache = tempfile.mkdtemp(prefix='sklearn-reference-')
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always', ConvergenceWarning)
            numpy.random.seed(seed)
            pipeline = Pipeline(
                [
                    (
                        'tfidf',
                        FoldTfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5), sublinear_tf=True, lowercase=True),
                    ),
                    ('svm', LinearSVC(class_weight='balanced')),
                ],
                memory=cache,
            )
            search = GridSearchCV(
                pipeline,
                {'svm__C': cs},
                scoring='f1',
                cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed),
                n_jobs=1,
                refit=False,
            )
            print(f'[sklearn] {label}: {len(cs)} C values x {folds} folds on {len(train_texts)} rows', file=sys.stderr)
            search.fit(train_texts, y_train)
            searched = time.perf_counter()
            best_c = float(search.best_params_['svm__C'])
            print(f'[sklearn] {label}: C {best_c:g} (CV F1 {search.best_score_:.4f}); refitting', file=sys.stderr)
            # The refit with a plain TfidfVectorizer and no cache: the final model owes nothing to a fold.
            FoldTfidfVectorizer._transforms.clear()
            numpy.random.seed(seed)
            model = Pipeline(
                [
                    (
                        'tfidf',
                        TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5), sublinear_tf=True, lowercase=True),
                    ),
                    ('svm', LinearSVC(class_weight='balanced', C=best_c)),
                ]
            )
            model.fit(train_texts, y_train)
            fitted = time.perf_counter()
            scores = model.decision_function(test_texts)
            predicted = model.predict(test_texts)
            evaluated = time.perf_counter()
        convergence = sum(1 for w in caught if issubclass(w.category, ConvergenceWarning))
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    tn, fp, fn, tp = (int(v) for v in confusion_matrix(y_test, predicted, labels=[0, 1]).ravel())
    return {
        'accuracy': float(accuracy_score(y_test, predicted)),
        'precision': float(precision_score(y_test, predicted, zero_division=0)),
        'recall': float(recall_score(y_test, predicted, zero_division=0)),
        'f1': float(f1_score(y_test, predicted, zero_division=0)),
        'mcc': float(matthews_corrcoef(y_test, predicted)),
        'rocAuc': float(roc_auc_score(y_test, scores)),
        'fp': fp,
        'fn': fn,
        'tp': tp,
        'tn': tn,
        'C': best_c,
        'cvF1': float(search.best_score_),
        'cvByC': [
            {'C': float(c), 'f1': float(s), 'fitSeconds': float(fit), 'scoreSeconds': float(score)}
            for c, s, fit, score in zip(
                search.cv_results_['param_svm__C'],
                search.cv_results_['mean_test_score'],
                search.cv_results_['mean_fit_time'],
                search.cv_results_['mean_score_time'],
            )
        ],
        'folds': folds,
        'nFeatures': len(model.named_steps['tfidf'].vocabulary_),
        'convergenceWarnings': convergence,
        'seconds': evaluated - started,
        'searchSeconds': searched - started,
        'fitSeconds': fitted - searched,
        'evaluateSeconds': evaluated - fitted,
        'versions': versions(),
    }


def main(argv):
    if argv[1:] == ['--version']:
        print(json.dumps(versions()))
        return 0
    if len(argv) != 3:
        print('usage: sklearn_reference.py --version | INPUT.json OUTPUT.json', file=sys.stderr)
        return 2
    with open(argv[1], encoding='utf-8') as f:
        spec = json.load(f)
    result = run(spec)
    with open(argv[2], 'w', encoding='utf-8') as f:
        json.dump(result, f)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
