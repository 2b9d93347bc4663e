import { crossSiteRefusal } from './same-origin';

describe(crossSiteRefusal.name, () => {
  it('should let same-origin and user-started posts through, whatever Origin says', () => {
    expect(crossSiteRefusal({ 'sec-fetch-site': 'same-origin', origin: 'null' }, 'spam.example')).toBeUndefined();
    expect(crossSiteRefusal({ 'sec-fetch-site': 'none' }, 'spam.example')).toBeUndefined();
  });

  it('should refuse posts another site started', () => {
    expect(crossSiteRefusal({ 'sec-fetch-site': 'cross-site' }, 'spam.example')).toContain(
      'Sec-Fetch-Site: cross-site',
    );
    expect(crossSiteRefusal({ 'sec-fetch-site': ['same-site'] }, 'spam.example')).toContain('same-site');
  });

  it('should compare Origin with the Host when Sec-Fetch-Site is absent', () => {
    expect(crossSiteRefusal({ origin: 'https://Spam.example:8443' }, 'spam.example:8443')).toBeUndefined();
    expect(crossSiteRefusal({ origin: 'https://spam.example' }, 'spam.example:8443')).toContain('another origin');
    expect(crossSiteRefusal({ origin: 'null' }, 'spam.example')).toContain('Origin: null');
    expect(crossSiteRefusal({ origin: 'not a url' }, 'spam.example')).toContain('Origin: not a url');
    expect(crossSiteRefusal({ origin: 'https://spam.example' }, undefined)).toContain('another origin');
  });

  it('should let requests without either header through (not sent by a browser form)', () => {
    expect(crossSiteRefusal({}, 'spam.example')).toBeUndefined();
  });
});
