import { resolve } from 'node:path';
import { InvalidEnvironmentError } from '../../config/read-environment';
import { MlflowEnvironment, mlflowConfigFrom } from './mlflow.config';

describe(MlflowEnvironment.name, () => {
  it('should default to the local registry under <project>/var and the documented names', () => {
    const config = mlflowConfigFrom({});
    expect(config).toMatchObject({
      trackingUri: undefined,
      experimentName: 'spam-classifier-training',
      modelName: 'spam-classifier',
      pollIntervalMs: 30_000,
      requestTimeoutMs: 10_000,
      maxAttempts: 4,
      gate: { minF1Gain: 0, maxFpIncrease: 0 },
    });
    expect(config.localRegistryDir).toBe(resolve(__dirname, '../../../var/registry'));
    expect(config.championCacheDir).toBe(resolve(__dirname, '../../../var/champion'));
  });

  it('should read every setting and trim the trailing slash of the URI', () => {
    expect(
      mlflowConfigFrom({
        MLFLOW_TRACKING_URI: 'http://mlflow.mlops.svc:5000/',
        MLFLOW_POLL_INTERVAL_MS: '5000',
        MLFLOW_GATE_MIN_F1_GAIN: '0.002',
        MLFLOW_GATE_MAX_FP_INCREASE: '1',
        MLFLOW_LOCAL_REGISTRY_DIR: 'tmp/reg',
      }),
    ).toMatchObject({
      trackingUri: 'http://mlflow.mlops.svc:5000',
      pollIntervalMs: 5000,
      gate: { minF1Gain: 0.002, maxFpIncrease: 1 },
      localRegistryDir: resolve('tmp/reg'),
    });
  });

  it('should name every bad key at once', () => {
    let error: unknown;
    try {
      mlflowConfigFrom({ MLFLOW_TRACKING_URI: 'ftp://x', MLFLOW_POLL_INTERVAL_MS: '10', MLFLOW_MODEL_NAME: 'spam*' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const problems = (error as InvalidEnvironmentError).problems.join('\n');
    expect(problems).toContain('MLFLOW_TRACKING_URI="ftp://x"');
    expect(problems).toContain('MLFLOW_POLL_INTERVAL_MS="10"');
    expect(problems).toContain('MLFLOW_MODEL_NAME="spam*"');
  });

  it.each([
    ['a space in the host', 'http://alice:s3cret@mlflow internal:5000', 'http://alice:***@mlflow internal:5000'],
    ['no scheme', 'alice:s3cret@mlflow:5000', 'alice:***@mlflow:5000'],
    ['another scheme', 'ftp://alice:s3cret@mlflow:5000', 'ftp://alice:***@mlflow:5000'],
  ])('should mask the password of an invalid MLFLOW_TRACKING_URI with %s', (_case, uri, shown) => {
    expect(() => mlflowConfigFrom({ MLFLOW_TRACKING_URI: uri })).toThrow(InvalidEnvironmentError);
    try {
      mlflowConfigFrom({ MLFLOW_TRACKING_URI: uri });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain(`MLFLOW_TRACKING_URI=${JSON.stringify(shown)}`);
      expect(message).not.toContain('s3cret');
    }
  });
});
