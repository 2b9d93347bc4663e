import { SecretsService } from './secrets.service';
import { databaseConnectionString, onDatabaseCredentialsChange, withCredentials } from './database-url';

describe(databaseConnectionString.name, () => {
  it('should put the rotated credentials into DATABASE_URL, percent-encoded', () => {
    const secrets = new SecretsService({ DATABASE_URL: 'postgres://static:old@db:5432/spam?sslmode=require' });
    expect(databaseConnectionString(secrets)).toBe('postgres://static:old@db:5432/spam?sslmode=require');
    secrets.setMany({ DATABASE_USERNAME: 'v-user', DATABASE_PASSWORD: 'p@ss/w:rd' });
    expect(databaseConnectionString(secrets)).toBe('postgres://v-user:p%40ss%2Fw%3Ard@db:5432/spam?sslmode=require');
    expect(new URL(databaseConnectionString(secrets) as string).password).toBe('p%40ss%2Fw%3Ard');
  });

  it('should return undefined without DATABASE_URL and refuse a malformed one without echoing it', () => {
    expect(databaseConnectionString(new SecretsService({}))).toBeUndefined();
    expect(withCredentials('postgres://db/spam')).toBe('postgres://db/spam');
    expect(() => withCredentials('not a url with pw-123', 'u', 'p')).toThrow(
      'DATABASE_URL is not a valid URL (expected postgres://host:port/database)',
    );
  });
});

describe(onDatabaseCredentialsChange.name, () => {
  it('should call back once per new username/password pair, with both already in place', () => {
    const secrets = new SecretsService({ DATABASE_URL: 'postgres://db:5432/spam' });
    const seen: (string | undefined)[] = [];
    const unsubscribe = onDatabaseCredentialsChange(secrets, (url) => seen.push(url));
    secrets.setMany({ DATABASE_USERNAME: 'u1', DATABASE_PASSWORD: 'p1' });
    secrets.set('ADMIN_API_TOKEN', 'unrelated');
    secrets.setMany({ DATABASE_USERNAME: 'u2', DATABASE_PASSWORD: 'p2' });
    secrets.set('DATABASE_URL', 'not a url');
    unsubscribe();
    secrets.setMany({ DATABASE_USERNAME: 'u3', DATABASE_PASSWORD: 'p3' });
    expect(seen).toEqual(['postgres://u1:p1@db:5432/spam', 'postgres://u2:p2@db:5432/spam', undefined]);
  });
});
