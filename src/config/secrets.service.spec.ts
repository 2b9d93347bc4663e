import { SecretsService } from './secrets.service';

describe(SecretsService.name, () => {
  it('should read the environment when no override is set', () => {
    const secrets = new SecretsService({ ADMIN_API_TOKEN: 'from-env', EMPTY: '' });
    expect(secrets.get('ADMIN_API_TOKEN')).toBe('from-env');
    expect(secrets.get('EMPTY')).toBeUndefined();
    expect(secrets.get('MISSING')).toBeUndefined();
  });

  it('should prefer an override and notify listeners only on a real change', () => {
    const secrets = new SecretsService({ ADMIN_API_TOKEN: 'from-env' });
    const seen: string[] = [];
    const unsubscribe = secrets.onChange((name) => seen.push(name));
    secrets.set('ADMIN_API_TOKEN', 'from-vault');
    secrets.set('ADMIN_API_TOKEN', 'from-vault');
    expect(secrets.get('ADMIN_API_TOKEN')).toBe('from-vault');
    secrets.set('ADMIN_API_TOKEN', undefined);
    expect(secrets.get('ADMIN_API_TOKEN')).toBe('from-env');
    unsubscribe();
    secrets.set('ADMIN_API_TOKEN', 'other');
    expect(seen).toEqual(['ADMIN_API_TOKEN', 'ADMIN_API_TOKEN']);
  });

  it('should set several values before telling anyone, and not let a failing listener stop the others', () => {
    const secrets = new SecretsService({});
    const seen: string[] = [];
    secrets.onChange(() => {
      throw new Error('consumer bug');
    });
    secrets.onChange((name) => seen.push(`${name}=${secrets.get('A')},${secrets.get('B')}`));
    expect(secrets.setMany({ A: '1', B: '2', C: undefined })).toEqual(['A', 'B']);
    expect(seen).toEqual(['A=1,2', 'B=1,2']);
  });

  it('should redact current, rotated-away and URL-embedded secrets, but not configuration values', () => {
    const secrets = new SecretsService({
      ADMIN_API_TOKEN: 'env-admin-token',
      LOG_LEVEL: 'info',
      MLFLOW_TRACKING_URI: 'http://mlflow:5000',
      DATABASE_URL: 'postgres://app:db-password-1@db/spam',
      SHORT_TOKEN: 'abc',
    });
    secrets.set('MLFLOW_TRACKING_TOKEN', 'mlflow-token-1');
    secrets.set('MLFLOW_TRACKING_TOKEN', 'mlflow-token-2');
    secrets.set('REPLICA_URL', 'postgres://ro:replica-pw@replica/spam');
    const text = 'env-admin-token mlflow-token-1 mlflow-token-2 db-password-1 replica-pw info http://mlflow:5000 abc';
    expect(secrets.redact(text)).toBe(
      '[REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED] info http://mlflow:5000 abc',
    );
    expect(secrets.redact('postgres://app:db-password-1@db/spam')).toBe('[REDACTED]');
  });

  it('should keep a bounded history of rotated-away values', () => {
    const secrets = new SecretsService({});
    for (let i = 0; i < 300; i += 1) secrets.set('API_TOKEN', `token-value-${i}`);
    expect(secrets.redact('token-value-299 token-value-100')).toBe('[REDACTED] [REDACTED]');
    expect(secrets.redact('token-value-1 ')).toBe('token-value-1 ');
  });
});
