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
});
