/**
 * `numpy.argsort(values)` with numpy's default kind ('quicksort'), reproduced index for index, ties included.
 *
 * scikit-learn keeps `max_features` terms with `(-tfs).argsort()[:limit]`, so which of the terms tied at the cut
 * survive is decided by the order this sort leaves equal keys in. numpy ≤ 1.24 (Debian 12 ships 1.24.2) sorts
 * indices of a float64 or int64 array with `aquicksort_` in `numpy/core/src/npysort/quicksort.cpp`: an introsort
 * with median-of-3 pivots, insertion sort for runs of at most 16, the larger partition pushed on a stack, and
 * `aheapsort_` (`npysort_heapsort.h`) once a range has used up 2·floor(log2 n) partitions. (numpy ≥ 1.25 sends
 * argsort to an AVX-512 sort on CPUs that have it, which orders ties differently.) This is that algorithm, with
 * positions instead of pointers; `sort-fixtures.py` checks it against numpy on arrays full of ties.
 */
export function numpyArgsort(values: ArrayLike<number>): Int32Array {
  const order = new Int32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  argQuicksort(values, order);
  return order;
}

/** Runs of at most SMALL_QUICKSORT + 1 keys are insertion-sorted. */
const SMALL_QUICKSORT = 15;

/** numpy's `DOUBLE_LT`: NaN sorts after every number. */
function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/** floor(log2 n) for n ≥ 1, 0 for n = 0 (`npy_get_msb`). */
function mostSignificantBit(n: number): number {
  let bit = 0;
  while ((n = Math.floor(n / 2)) > 0) bit++;
  return bit;
}

function argQuicksort(v: ArrayLike<number>, order: Int32Array): void {
  const stack: number[] = [];
  const depths: number[] = [];
  let pl = 0;
  let pr = order.length - 1;
  let depth = mostSignificantBit(order.length) * 2;
  const swap = (i: number, j: number): void => {
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  };
  for (;;) {
    if (depth < 0) {
      argHeapsort(v, order, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[order[pm]], v[order[pl]])) swap(pm, pl);
        if (less(v[order[pr]], v[order[pm]])) swap(pr, pm);
        if (less(v[order[pm]], v[order[pl]])) swap(pm, pl);
        const pivot = v[order[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do pi++;
          while (less(v[order[pi]], pivot));
          do pj--;
          while (less(pivot, v[order[pj]]));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depths.push(--depth);
      }
      for (let pi = pl + 1; pi <= pr; pi++) {
        const vi = order[pi];
        const key = v[vi];
        let pj = pi;
        while (pj > pl && less(key, v[order[pj - 1]])) {
          order[pj] = order[pj - 1];
          pj--;
        }
        order[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    depth = depths.pop()!;
  }
}

/** numpy's `aheapsort_` on order[from, from + n): a max-heap in 1-based positions, `a[k]` = order[from + k - 1]. */
function argHeapsort(v: ArrayLike<number>, order: Int32Array, from: number, n: number): void {
  const base = from - 1;
  for (let l = n >> 1; l > 0; l--) siftDown(v, order, base, l, n, order[base + l]);
  for (; n > 1;) {
    const tmp = order[base + n];
    order[base + n] = order[base + 1];
    n--;
    siftDown(v, order, base, 1, n, tmp);
  }
}

function siftDown(v: ArrayLike<number>, order: Int32Array, base: number, i: number, n: number, tmp: number): void {
  for (let j = i << 1; j <= n;) {
    if (j < n && less(v[order[base + j]], v[order[base + j + 1]])) j++;
    if (!less(v[tmp], v[order[base + j]])) break;
    order[base + i] = order[base + j];
    i = j;
    j += j;
  }
  order[base + i] = tmp;
}
