import fc from 'fast-check';
import fixtures from './numpy-argsort-fixtures.json';
import { numpyArgsort } from './numpy-argsort';

describe(numpyArgsort.name, () => {
  describe(`numpy ${fixtures.numpy}'s argsort (fixtures from numpy-argsort-fixtures.py)`, () => {
    for (const { name, values, order } of fixtures.cases) {
      it(`should order ${name} exactly as numpy does`, () => {
        expect(Array.from(numpyArgsort(values))).toEqual(order);
        expect(Array.from(numpyArgsort(Float64Array.from(values)))).toEqual(order);
      });
    }
  });

  it('should return a permutation that sorts the values, ties included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -6, max: 6 }), { maxLength: 400 }), (values) => {
        const order = numpyArgsort(values);
        expect([...order].sort((a, b) => a - b)).toEqual(values.map((_, i) => i));
        for (let i = 1; i < order.length; i++) expect(values[order[i - 1]]).toBeLessThanOrEqual(values[order[i]]);
      }),
      { numRuns: 300, seed: 17 },
    );
  });

  it('should put NaN last, as numpy does', () => {
    const values = [3, Number.NaN, -1, 2, Number.NaN, -1];
    expect(Array.from(numpyArgsort(values))).toEqual([2, 5, 3, 0, 1, 4]);
  });
});
