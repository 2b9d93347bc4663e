import { HttpEnvironment, httpConfigFrom } from '../http/http.config';
import { InvalidEnvironmentError, loadEnvironment, readEnvironment } from './environment';
import { classifierConfigFrom } from '../classifier/config/classifier.config';

describe(loadEnvironment.name, () => {
  it('should accept an empty environment and fill the defaults', () => {
    const config = loadEnvironment({});
    const http = httpConfigFrom({});
    expect(http).toMatchObject({
      host: '0.0.0.0',
      port: 3000,
      bodyLimitBytes: 1048576,
      webConcurrency: 1,
      logTextPreviewChars: 0,
      trustProxy: false,
    });
    expect(config.http).toEqual(http);
    const classifier = classifierConfigFrom({});
    expect(classifier.modelDir).toMatch(/\/var\/models$/);
    expect(classifier).toMatchObject({
      classifyMaxChars: 20000,
      maxTextChars: 262144,
      maxBatchSize: 1000,
      modelPath: undefined,
    });
    expect(config.classifier).toEqual(classifier);
    expect(config.vault.address).toBeUndefined();
    expect(config.mlflow.trackingUri).toBeUndefined();
  });

  it('should convert numbers and treat empty or blank values as unset', () => {
    expect(httpConfigFrom({ PORT: '8080', WEB_CONCURRENCY: ' 2 ', HOST: '', TRUST_PROXY: 'true' })).toMatchObject({
      port: 8080,
      webConcurrency: 2,
      host: '0.0.0.0',
      trustProxy: true,
    });
    expect(loadEnvironment({ PORT: '8080', HOST: '  ' }).http).toMatchObject({ port: 8080, host: '0.0.0.0' });
  });

  it('should list every bad key of every module with its value in one error', () => {
    let error: unknown;
    try {
      loadEnvironment({
        PORT: 'abc',
        WEB_CONCURRENCY: '0',
        LOG_LEVEL: 'loud',
        MAX_BATCH_SIZE: '-1',
        CLASSIFY_MAX_CHARS: '1.5',
        VAULT_REFRESH_INTERVAL_MS: '10',
        MLFLOW_POLL_INTERVAL_MS: 'often',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const message = (error as Error).message;
    expect(message).toContain('Invalid environment (7 problems)');
    expect(message).toContain('PORT="abc"');
    expect(message).toContain('WEB_CONCURRENCY="0"');
    expect(message).toContain('LOG_LEVEL="loud"');
    expect(message).toContain('MAX_BATCH_SIZE="-1"');
    expect(message).toContain('CLASSIFY_MAX_CHARS="1.5"');
    expect(message).toContain('VAULT_REFRESH_INTERVAL_MS="10"');
    expect(message).toContain('MLFLOW_POLL_INTERVAL_MS="often"');
  });

  it('should never print a secret value, nor a password inside a URL', () => {
    class SecretEnvironment {
      ADMIN_API_TOKEN?: string;
      MLFLOW_TRACKING_URI?: string;
    }
    const { IsInt } = jest.requireActual('class-validator');
    IsInt()(SecretEnvironment.prototype, 'ADMIN_API_TOKEN');
    IsInt()(SecretEnvironment.prototype, 'MLFLOW_TRACKING_URI');
    const read = () =>
      readEnvironment(SecretEnvironment, { ADMIN_API_TOKEN: 'hunter2', MLFLOW_TRACKING_URI: 'http://u:pw-1234@h' });
    expect(read).toThrow('ADMIN_API_TOKEN=***');
    expect(read).toThrow('MLFLOW_TRACKING_URI="http://u:***@h"');
    expect(read).not.toThrow(/hunter2|pw-1234/);
    expect(() => loadEnvironment({ VAULT_ADDR: 'http://vault:8200', VAULT_AUTH_METHOD: 'token' })).toThrow(
      'VAULT_TOKEN=(unset): ',
    );
  });

  it('should read one class alone', () => {
    expect(readEnvironment(HttpEnvironment, { THROTTLE_LIMIT: '5' }).THROTTLE_LIMIT).toBe(5);
    expect(() => readEnvironment(HttpEnvironment, { THROTTLE_LIMIT: 'x' })).toThrow('THROTTLE_LIMIT="x"');
  });
});
