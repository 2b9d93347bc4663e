"""Writes numpy-argsort-fixtures.json: numpy.argsort (default kind) on arrays full of ties, for numpy-argsort.spec.ts.

Run with Debian 12's numpy: /usr/bin/python3 numpy-argsort-fixtures.py (numpy 1.24.2 produced the file).
Each case holds float64 values and the indices numpy returns; every case is also checked as int64 to show that both
dtypes take the same (non-SIMD) path, so the port matches whichever scikit-learn's term counts have.
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20261127)
cases = []


def add(name, values):
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values)
    as_int = np.argsort(values.astype(np.int64))
    assert (order == as_int).all(), f"{name}: int64 and float64 argsort differ"
    cases.append({"name": name, "values": values.astype(np.int64).tolist(), "order": order.tolist()})


for n in (0, 1, 2, 3, 15, 16, 17, 18, 31, 32, 33, 64, 100):
    add(f"uniform 0..3, n={n}", rng.integers(0, 4, n))
for n, distinct in ((300, 2), (500, 5), (1000, 20), (2000, 100), (3000, 3000)):
    add(f"uniform 0..{distinct - 1}, n={n}", rng.integers(0, distinct, n))
# the shape of -tfs for a max_features cut: most terms seen once or twice, a long tail of frequent ones
add("negated Zipf counts, n=3000", -np.minimum(rng.zipf(1.6, 3000), 500))
add("all equal, n=1000", np.full(1000, -7))
add("ascending, n=700", np.arange(700))
add("descending, n=700", np.arange(700)[::-1])
add("ascending runs of 3, n=600", np.arange(600) // 3)
add("organ pipe, n=800", np.concatenate([np.arange(400), np.arange(400)[::-1]]))
add("organ pipe of triples, n=1200", np.concatenate([np.arange(600), np.arange(600)[::-1]]) // 3)
add("sawtooth period 17, n=900", np.arange(900) % 17)
nearly_sorted = np.arange(500) // 2
for i, j in rng.integers(0, 500, (10, 2)):
    nearly_sorted[[i, j]] = nearly_sorted[[j, i]]
add("sorted pairs then 10 swaps, n=500", nearly_sorted)
# Patterns that drive median-of-3 quicksort into its depth limit, so numpy falls back to heapsort.
for n in (64, 256, 1024):
    a = np.empty(n, dtype=np.int64)
    # Musser's median-of-3 killer
    k = n // 2
    for i in range(1, k + 1):
        if i % 2 == 1:
            a[i - 1] = i
            a[i] = k + i
        a[k + i - 1] = 2 * i
    add(f"median-of-3 killer, n={n}", a)
    add(f"median-of-3 killer with ties, n={n}", a // 4)

out = {"numpy": np.__version__, "cases": cases}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy-argsort-fixtures.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
