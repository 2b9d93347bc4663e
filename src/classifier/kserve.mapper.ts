import { FieldValidationError } from '../http/error-response';
import { requestedThreshold } from './operating-point';
import type { BatchResult } from './prediction-response';
import type { InferResponseDto } from './dto/kserve.dto';

export const KSERVE_MODEL_NAME = 'spam-classifier';

/** An Open Inference Protocol v2 request as the route's JSON schema lets it through. */
export interface InferRequest {
  readonly id?: string;
  readonly inputs: ReadonlyArray<{ name: string; shape: number[]; datatype: string; data: string[] }>;
  readonly outputs?: ReadonlyArray<{ name: string }>;
  /** Request parameters; `threshold` (0 < t ≤ 1) decides instead of the model's operating point. */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** Outputs sent when the request names none (`threshold` only on request: it is the same for every message). */
const DEFAULT_OUTPUTS = [{ name: 'label' }, { name: 'spam_probability' }];

/** The request's `parameters.threshold`, checked like a body's `threshold`; undefined when absent. */
export function inferThreshold(request: InferRequest): number | undefined {
  return requestedThreshold(request.parameters?.threshold, 'parameters.threshold');
}

/**
 * The messages of the BYTES tensor "text". The shape must hold exactly as many elements as the data (`[0]` holds
 * none); a -1 dimension stands for whatever makes it so.
 */
export function inferMessages(request: InferRequest): Array<{ text: string }> {
  const input = request.inputs[0];
  const known = input.shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const fits = input.shape.includes(-1) ? known > 0 && input.data.length % known === 0 : known === input.data.length;
  if (!fits) {
    throw new FieldValidationError(
      `inputs.0.shape ${JSON.stringify(input.shape)} does not match ${input.data.length} data elements`,
      [{ field: 'inputs.0.shape', message: `does not match ${input.data.length} data elements` }],
    );
  }
  return input.data.map((text) => ({ text }));
}

/**
 * The requested output tensors of a batch ("label" BYTES, "spam_probability" FP64 when none is named; "threshold"
 * FP64, the threshold that decided each message, on request), and the response `parameters` `threshold` and
 * `threshold_source` (model or request) that say which threshold decided the whole batch.
 */
export function inferResponse(request: InferRequest, batch: BatchResult, requestId: string): InferResponseDto {
  const wanted = new Set((request.outputs ?? DEFAULT_OUTPUTS).map((o) => o.name));
  const n = batch.results.length;
  const outputs: InferResponseDto['outputs'] = [];
  if (wanted.has('label'))
    outputs.push({ name: 'label', shape: [n], datatype: 'BYTES', data: batch.results.map((r) => r.prediction) });
  if (wanted.has('spam_probability'))
    outputs.push({
      name: 'spam_probability',
      shape: [n],
      datatype: 'FP64',
      data: batch.results.map((r) => r.spam_probability),
    });
  if (wanted.has('threshold'))
    outputs.push({ name: 'threshold', shape: [n], datatype: 'FP64', data: batch.results.map((r) => r.threshold) });
  const first = batch.results[0];
  return {
    model_name: KSERVE_MODEL_NAME,
    model_version: batch.model.version,
    id: request.id ?? requestId,
    ...(first ? { parameters: { threshold: first.threshold, threshold_source: first.threshold_source } } : {}),
    outputs,
  };
}
