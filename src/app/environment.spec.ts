import { HttpEnvironment, httpConfigFrom } from '../http/http.config';
import { InvalidEnvironmentError, readEnvironment, validateEnvironment } from './environment';
import { classifierConfigFrom } from '../classifier/config/classifier.config';

describe(validateEnvironment.name, () => {
  it('should accept an empty environment and fill the defaults', () => {
    expect(() => validateEnvironment({})).not.toThrow();
    const http = httpConfigFrom({});
    expect(http).toMatchObject({
      host: '0.0.0.0',
      port: 3000,
      bodyLimitBytes: 1048576,
      webConcurrency: 1,
      logTextPreviewChars: 0,
    });
    const classifier = classifierConfigFrom({});
    expect(classifier.modelDir).toMatch(/\/var\/models$/);
    expect(classifier).toMatchObject({
      classifyMaxChars: 20000,
      maxTextChars: 262144,
      maxBatchSize: 1000,
      modelPath: undefined,
    });
  });

  it('should convert numbers and treat empty values as unset', () => {
    expect(httpConfigFrom({ PORT: '8080', WEB_CONCURRENCY: '2', HOST: '' })).toMatchObject({
      port: 8080,
      webConcurrency: 2,
      host: '0.0.0.0',
    });
  });

  it('should list every bad key with its value in one error', () => {
    let error: unknown;
    try {
      validateEnvironment({
        PORT: 'abc',
        WEB_CONCURRENCY: '0',
        LOG_LEVEL: 'loud',
        MAX_BATCH_SIZE: '-1',
        CLASSIFY_MAX_CHARS: '1.5',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const message = (error as Error).message;
    expect(message).toContain('Invalid environment (5 problems)');
    expect(message).toContain('PORT="abc"');
    expect(message).toContain('WEB_CONCURRENCY="0"');
    expect(message).toContain('LOG_LEVEL="loud"');
    expect(message).toContain('MAX_BATCH_SIZE="-1"');
    expect(message).toContain('CLASSIFY_MAX_CHARS="1.5"');
  });

  it('should never print a secret value', () => {
    class SecretEnvironment {
      ADMIN_API_TOKEN?: string;
    }
    const { IsInt } = jest.requireActual('class-validator');
    IsInt()(SecretEnvironment.prototype, 'ADMIN_API_TOKEN');
    expect(() => validateEnvironment({ ADMIN_API_TOKEN: 'hunter2' }, [SecretEnvironment])).toThrow(
      'ADMIN_API_TOKEN=***',
    );
    expect(() => validateEnvironment({ ADMIN_API_TOKEN: 'hunter2' }, [SecretEnvironment])).not.toThrow(/hunter2/);
  });

  it('should read one class alone', () => {
    expect(readEnvironment(HttpEnvironment, { THROTTLE_LIMIT: '5' }).THROTTLE_LIMIT).toBe(5);
    expect(() => readEnvironment(HttpEnvironment, { THROTTLE_LIMIT: 'x' })).toThrow('THROTTLE_LIMIT="x"');
  });
});
