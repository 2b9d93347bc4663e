import { FieldValidationError } from '../http/error-response';
import { inferMessages, inferResponse, inferThreshold, type InferRequest } from './kserve.mapper';
import type { BatchResult } from './prediction-response';

const request = (shape: number[], data: string[], extra: Partial<InferRequest> = {}): InferRequest => ({
  inputs: [{ name: 'text', shape, datatype: 'BYTES', data }],
  ...extra,
});

const batch: BatchResult = {
  results: [
    {
      prediction: 'spam',
      spam_probability: 0.97,
      confidence: 0.97,
      threshold: 0.73,
      threshold_source: 'model',
      channel: 'sms',
    },
    {
      prediction: 'not_spam',
      spam_probability: 0.02,
      confidence: 0.98,
      threshold: 0.73,
      threshold_source: 'model',
      channel: 'sms',
    },
  ],
  request_id: 'r1',
  model: { version: 'v7', algorithm: 'svm' },
};

describe(inferMessages.name, () => {
  it('should read the text tensor when its shape fits the data', () => {
    expect(inferMessages(request([2], ['a', 'b']))).toEqual([{ text: 'a' }, { text: 'b' }]);
    expect(inferMessages(request([-1], ['a', 'b', 'c']))).toHaveLength(3);
    expect(inferMessages(request([1, 2], ['a', 'b']))).toHaveLength(2);
  });

  it.each([
    [[0], ['a']],
    [[0, 1], ['a']],
    [
      [2, 0],
      ['a', 'b'],
    ],
    [[-1, 0], ['a']],
  ])('should refuse shape %j for %j: a zero dimension holds no element', (shape, data) => {
    expect(() => inferMessages(request(shape, data))).toThrow(`does not match ${data.length} data elements`);
  });

  it('should accept -1 for whatever fits, with the other dimensions exact', () => {
    expect(inferMessages(request([-1], ['a', 'b']))).toHaveLength(2);
    expect(inferMessages(request([1, -1], ['a', 'b']))).toHaveLength(2);
    expect(() => inferMessages(request([3, -1], ['a', 'b']))).toThrow('does not match 2 data elements');
  });

  it('should refuse a shape that does not match the data, naming the field', () => {
    const refuse = () => inferMessages(request([3], ['a', 'b']));
    expect(refuse).toThrow(FieldValidationError);
    expect(refuse).toThrow('inputs.0.shape [3] does not match 2 data elements');
  });
});

describe(inferResponse.name, () => {
  it('should answer both tensors by default, with the model version, the request id and the threshold that decided', () => {
    expect(inferResponse(request([2], ['a', 'b']), batch, 'req-9')).toEqual({
      model_name: 'spam-classifier',
      model_version: 'v7',
      id: 'req-9',
      parameters: { threshold: 0.73, threshold_source: 'model' },
      outputs: [
        { name: 'label', shape: [2], datatype: 'BYTES', data: ['spam', 'not_spam'] },
        { name: 'spam_probability', shape: [2], datatype: 'FP64', data: [0.97, 0.02] },
      ],
    });
  });

  it("should answer only the requested outputs and echo the request's id", () => {
    const response = inferResponse(
      request([2], ['a', 'b'], { id: 'mine', outputs: [{ name: 'spam_probability' }] }),
      batch,
      'req-9',
    );
    expect(response.id).toBe('mine');
    expect(response.outputs.map((o) => o.name)).toEqual(['spam_probability']);
  });

  it('should send the threshold of each message as an FP64 tensor when asked for it by name', () => {
    const response = inferResponse(
      request([2], ['a', 'b'], { outputs: [{ name: 'label' }, { name: 'threshold' }] }),
      batch,
      'req-9',
    );
    expect(response.outputs).toEqual([
      { name: 'label', shape: [2], datatype: 'BYTES', data: ['spam', 'not_spam'] },
      { name: 'threshold', shape: [2], datatype: 'FP64', data: [0.73, 0.73] },
    ]);
  });
});

describe(inferThreshold.name, () => {
  it('should read parameters.threshold, and nothing when the request has none', () => {
    expect(inferThreshold(request([1], ['a']))).toBeUndefined();
    expect(inferThreshold(request([1], ['a'], { parameters: { other: 'x' } }))).toBeUndefined();
    expect(inferThreshold(request([1], ['a'], { parameters: { threshold: 0.2 } }))).toBe(0.2);
    expect(inferThreshold(request([1], ['a'], { parameters: { threshold: 1 } }))).toBe(1);
  });

  it.each([0, -1, 1.5, 'x', '0.5', null, true])(
    'should refuse parameters.threshold %j naming the field and the range',
    (value) => {
      const refuse = () => inferThreshold(request([1], ['a'], { parameters: { threshold: value } }));
      expect(refuse).toThrow(FieldValidationError);
      expect(refuse).toThrow(/^parameters\.threshold must be a number greater than 0 and at most 1, got /);
    },
  );
});
