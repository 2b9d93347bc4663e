import { withoutInternals } from './public-text';

describe(withoutInternals.name, () => {
  it('should replace internal URLs, credentials included, and keep the reason', () => {
    expect(withoutInternals('GET http://user:pw@mlflow.internal:5000/api/2.0/x failed: fetch failed')).toBe(
      'GET <url> failed: fetch failed',
    );
  });

  it('should shorten absolute paths to their file name', () => {
    expect(withoutInternals("ENOENT: no such file or directory, open '/srv/app/var/registry/meta.json'")).toBe(
      "ENOENT: no such file or directory, open 'meta.json'",
    );
    expect(withoutInternals('cannot read /etc/passwd')).toBe('cannot read passwd');
  });

  it('should leave plain reasons alone', () => {
    expect(withoutInternals('timed out after 1000 ms (3/3 attempts)')).toBe('timed out after 1000 ms (3/3 attempts)');
  });
});
