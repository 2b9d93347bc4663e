import { resolveChannel } from './prediction.service';

describe(resolveChannel.name, () => {
  it('should keep an explicit channel and guess e-mail from header lines', () => {
    expect(resolveChannel('hello', 'email')).toBe('email');
    expect(resolveChannel('Subject: hi\nFrom: a@b.c\n\nbody', 'sms')).toBe('sms');
    expect(resolveChannel('Subject: hi\nFrom: a@b.c\n\nbody', 'auto')).toBe('email');
    expect(resolveChannel('Note: call me at 5', undefined)).toBe('sms');
    expect(resolveChannel('WINNER!! claim now', undefined)).toBe('sms');
  });
});
