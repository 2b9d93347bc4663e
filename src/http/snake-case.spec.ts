import { snakeCase, snakeCaseKeys } from './snake-case';

describe(snakeCaseKeys.name, () => {
  it('should put every key in snake_case, deeply, and keep the values', () => {
    expect(
      snakeCaseKeys({
        rocAuc: 0.99,
        confusionMatrix: [
          [1, 2],
          [3, 4],
        ],
        perSet: { feedback_holdout: { falsePositives: 2 } },
        runs: [{ registeredVersion: '4' }],
        ngramRange: [1, 2],
      }),
    ).toEqual({
      roc_auc: 0.99,
      confusion_matrix: [
        [1, 2],
        [3, 4],
      ],
      per_set: { feedback_holdout: { false_positives: 2 } },
      runs: [{ registered_version: '4' }],
      ngram_range: [1, 2],
    });
  });

  it('should rename the keys it is given first', () => {
    expect(snakeCaseKeys({ training: { ham: 3, spam: 1 } }, { ham: 'not_spam' })).toEqual({
      training: { not_spam: 3, spam: 1 },
    });
    expect(snakeCase('C')).toBe('C');
  });
});
