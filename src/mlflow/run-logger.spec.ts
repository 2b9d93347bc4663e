import { flattenParams } from './run-logger';

describe(flattenParams.name, () => {
  it('should flatten nested objects to dotted snake_case keys and JSON-encode the rest', () => {
    expect(
      flattenParams({
        maxFeatures: 5000,
        ngramRange: [1, 2],
        classWeight: null,
        hyperparameters: { C: 0.5, nested: { maxIter: 100 } },
        name: 'svm',
        skipped: undefined,
      }),
    ).toEqual({
      max_features: '5000',
      ngram_range: '[1,2]',
      class_weight: 'null',
      'hyperparameters.C': '0.5',
      'hyperparameters.nested.max_iter': '100',
      name: 'svm',
    });
  });

  it('should keep values within MLflow param length', () => {
    const value = flattenParams({ vocabulary: 'x'.repeat(7000) }).vocabulary;
    expect(value.length).toBeLessThanOrEqual(6000);
    expect(value.endsWith('…(truncated)')).toBe(true);
  });
});
