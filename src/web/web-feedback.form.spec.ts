import { feedbackFromForm, savedFeedbackFromQuery, savedFeedbackUrl } from './web-feedback.form';

describe(feedbackFromForm.name, () => {
  it('should read the posted fields, treat empty optional fields as absent and default the source to web', () => {
    const { dto, problems } = feedbackFromForm({ text: 'hi', label: 'spam', request_id: '', channel: '', extra: 'x' });
    expect(problems).toEqual([]);
    expect({ ...dto }).toEqual({ text: 'hi', label: 'spam', source: 'web' });
  });

  it('should name every bad field', () => {
    const { dto, problems, retry } = feedbackFromForm({
      text: ['a', 'b'],
      label: 'ham',
      channel: 'fax',
      request_id: 'r-1',
    });
    expect(dto).toBeUndefined();
    // The retry form keeps the fields that were fine and drops the bad ones.
    expect(retry).toEqual({ text: '', request_id: 'r-1', channel: undefined, source: 'web' });
    expect(problems.map((p) => p.field).sort()).toEqual(['channel', 'label', 'text']);
    expect(new Set(feedbackFromForm(undefined).problems.map((p) => p.field))).toEqual(new Set(['label', 'text']));
  });
});

describe(savedFeedbackFromQuery.name, () => {
  it('should read back what savedFeedbackUrl wrote', () => {
    const saved = { outcome: 'relabelled', label: 'not_spam', id: '0b8e8f8a-52d5-4c4b-9b55-7f3c3f0d9c11' } as const;
    const query = Object.fromEntries(new URL(savedFeedbackUrl(saved), 'http://x').searchParams);
    expect(savedFeedbackFromQuery(query)).toEqual({ saved, problems: [] });
  });

  it('should name each bad parameter', () => {
    expect(savedFeedbackFromQuery({ outcome: 'x', label: 'spam', id: 'y' }).problems.map((p) => p.field)).toEqual([
      'outcome',
      'id',
    ]);
    expect(savedFeedbackFromQuery(null).problems).toHaveLength(3);
  });
});
