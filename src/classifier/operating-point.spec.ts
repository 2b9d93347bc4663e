import { FieldValidationError } from '../http/error-response';
import { modelThresholdFor, operatingPointOf, requestedThreshold } from './operating-point';

describe(requestedThreshold.name, () => {
  it('should take no threshold as none, and a number in (0, 1] as it is', () => {
    expect(requestedThreshold(undefined)).toBeUndefined();
    expect(requestedThreshold(0.01)).toBe(0.01);
    expect(requestedThreshold(1)).toBe(1);
    expect(requestedThreshold(Number.MIN_VALUE)).toBe(Number.MIN_VALUE);
  });

  it.each([0, -1, 1.5, 1.0000001, 'x', '0.5', null, true, [0.5], { value: 0.5 }])(
    'should refuse %j with a 400 naming the field and the range',
    (value) => {
      let error: FieldValidationError | undefined;
      try {
        requestedThreshold(value);
      } catch (e) {
        error = e as FieldValidationError;
      }
      expect(error).toBeInstanceOf(FieldValidationError);
      expect(error?.message).toBe(
        `threshold must be a number greater than 0 and at most 1, got ${JSON.stringify(value)}`,
      );
      expect(error?.httpStatus).toBe(400);
    },
  );

  it('should name the field it is given and quote a long value short', () => {
    expect(() => requestedThreshold('y'.repeat(500), 'parameters.threshold')).toThrow(
      `parameters.threshold must be a number greater than 0 and at most 1, got "${'y'.repeat(36)}…`,
    );
  });
});

describe(operatingPointOf.name, () => {
  it("should show an artifact's operating point in the API's words", () => {
    const metadata = {
      version: 'v1',
      algorithm: 'svm' as const,
      createdAt: '2026-12-01T00:00:00.000Z',
      operatingPoint: {
        threshold: 0.73,
        maxFpRate: 0.001,
        chosenBy: 'out-of-fold probabilities of 5-fold cross-validation',
        cv: { fpRate: 0.0009, recall: 0.91, precision: 0.99, f1: 0.95, fp: 4, fn: 60 },
      },
    };
    expect(operatingPointOf({ metadata })).toEqual({
      threshold: 0.73,
      max_fp_rate: 0.001,
      chosen_by: 'out-of-fold probabilities of 5-fold cross-validation',
      cv: { fp_rate: 0.0009, recall: 0.91, precision: 0.99, f1: 0.95, fp: 4, fn: 60 },
      channels: {},
      recorded: true,
    });
  });

  it('should say 0.5 by default for an artifact made before operating points', () => {
    expect(
      operatingPointOf({ metadata: { version: 'v0', algorithm: 'svm', createdAt: '2026-01-01T00:00:00.000Z' } }),
    ).toEqual({
      threshold: 0.5,
      max_fp_rate: null,
      chosen_by: 'the default 0.5: this model records no operating point',
      cv: null,
      channels: {},
      recorded: false,
    });
  });

  it("should show each channel's own threshold, and decide a message of that channel with it", () => {
    const metadata = {
      version: 'v2',
      algorithm: 'svm' as const,
      createdAt: '2026-12-01T00:00:00.000Z',
      operatingPoint: {
        threshold: 0.7,
        maxFpRate: 0.001,
        chosenBy: "x; each channel's own threshold from its own rows",
        cv: null,
        channels: {
          sms: { threshold: 0.62, maxFpRate: 0.001, cv: null },
          email: {
            threshold: 0.913,
            maxFpRate: 0.004,
            cv: { fpRate: 0.003, recall: 0.95, precision: 0.98, f1: 0.96, fp: 5, fn: 20 },
          },
        },
      },
    };
    const point = operatingPointOf({ metadata });
    expect(point.channels).toEqual({
      sms: { threshold: 0.62, max_fp_rate: 0.001, cv: null },
      email: {
        threshold: 0.913,
        max_fp_rate: 0.004,
        cv: { fp_rate: 0.003, recall: 0.95, precision: 0.98, f1: 0.96, fp: 5, fn: 20 },
      },
    });
    expect(modelThresholdFor(point, 'sms')).toBe(0.62);
    expect(modelThresholdFor(point, 'email')).toBe(0.913);
    expect(modelThresholdFor(point, undefined)).toBe(0.7);
    expect(modelThresholdFor({ ...point, channels: {} }, 'sms')).toBe(0.7);
  });
});
