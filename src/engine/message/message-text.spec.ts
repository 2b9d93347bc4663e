import { looksLikeRawEmail, rawEmailText } from './message-text';

const RAW = [
  'From spammer@example.com  Mon Jan  1 00:00:00 2024',
  'From: "Prize Desk" <win@lottery.example>',
  'To: you@example.org',
  'Subject: You have WON',
  'MIME-Version: 1.0',
  'Content-Type: text/html; charset="utf-8"',
  '',
  '<html><body><p>Claim your <b>prize</b> now</p><a href="http://x.example">here</a></body></html>',
].join('\r\n');

describe('looksLikeRawEmail', () => {
  it('should recognise a raw message with an mbox line, CRLF endings and folded headers', () => {
    expect(looksLikeRawEmail(RAW)).toBe(true);
    expect(looksLikeRawEmail('Subject: hi\nReceived: from a\n  by b\nFrom: c@d.e\n\nbody')).toBe(true);
  });

  it('should not take ordinary texts for emails', () => {
    expect(looksLikeRawEmail('Ok lar... Joking wif u oni...')).toBe(false);
    expect(looksLikeRawEmail('Note: call me\n\nlater')).toBe(false);
    expect(looksLikeRawEmail('Subject: hi\nthis is the body without a blank line')).toBe(false);
    expect(looksLikeRawEmail('Subject: hi\nnot a header line\nFrom: a@b.c\n\nbody')).toBe(false);
    expect(looksLikeRawEmail('')).toBe(false);
    expect(looksLikeRawEmail('\n\nSubject: x')).toBe(false);
  });
});

describe('rawEmailText', () => {
  it('should leave SMS and plain texts alone, synchronously', () => {
    expect(rawEmailText(RAW, 'sms')).toBeUndefined();
    expect(rawEmailText('WINNER!! claim your prize', 'email')).toBeUndefined();
    expect(rawEmailText('WINNER!! claim your prize', 'auto')).toBeUndefined();
  });

  it('should extract what the email models learn from: header lines, subject and the HTML as text', async () => {
    const text = await rawEmailText(RAW, 'auto');
    expect(text).toContain('From: Prize Desk <win@lottery.example>');
    expect(text).toContain('You have WON');
    expect(text).toContain('Claim your prize now');
    expect(text).not.toContain('<b>');
    expect(text).not.toContain('To: you@example.org');
  });
});
