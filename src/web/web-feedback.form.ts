import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isRecord } from '../engine';
import { fieldErrors } from '../http/dto-validation.pipe';
import { CreateFeedbackDto } from '../feedback/dto/feedback.dto';
import { FEEDBACK_LABELS, type FeedbackLabel, type FeedbackOutcome } from '../feedback/feedback.types';

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export interface FeedbackRetry {
  readonly text: string;
  readonly request_id?: string;
  readonly channel?: string;
  readonly source: string;
}

/** Form fields the result's feedback form posts; anything else in the body is ignored. */
const FIELDS = ['text', 'label', 'request_id', 'channel', 'source'] as const;
const OPTIONAL_FIELDS = new Set<string>(['request_id', 'channel', 'source']);
/** What the page's own form says in `source`, and what a post without one is counted as. */
export const WEB_FEEDBACK_SOURCE = 'web';

/**
 * Reads the posted feedback form (application/x-www-form-urlencoded) into the API's `CreateFeedbackDto`, validated
 * by the same class-validator rules as `POST /api/v1/feedback`. Empty optional fields (an empty hidden input) count as
 * absent; `source` defaults to "web".
 */
export function feedbackFromForm(body: unknown): {
  dto?: CreateFeedbackDto;
  /** What the form on an error page posts again: the text, and the other fields that were fine. */
  retry: FeedbackRetry;
  problems: FieldProblem[];
} {
  const form = isRecord(body) ? body : {};
  const fields: Record<string, unknown> = {};
  for (const name of FIELDS) {
    const value = form[name];
    if (value === undefined || (OPTIONAL_FIELDS.has(name) && value === '')) continue;
    fields[name] = value;
  }
  fields.source ??= WEB_FEEDBACK_SOURCE;
  const dto = plainToInstance(CreateFeedbackDto, fields);
  const problems = fieldErrors(validateSync(dto, { whitelist: true }));
  const bad = new Set(problems.map((p) => p.field));
  const keep = (name: string) =>
    typeof fields[name] === 'string' && !bad.has(name) ? (fields[name] as string) : undefined;
  const retry: FeedbackRetry = {
    text: typeof fields.text === 'string' ? fields.text : '',
    request_id: keep('request_id'),
    channel: keep('channel'),
    source: keep('source') ?? WEB_FEEDBACK_SOURCE,
  };
  return problems.length > 0 ? { retry, problems } : { dto, retry, problems };
}

const OUTCOMES: readonly FeedbackOutcome[] = ['created', 'relabelled', 'unchanged'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SavedFeedback {
  readonly outcome: FeedbackOutcome;
  readonly label: FeedbackLabel;
  readonly id: string;
}

/** Where the browser goes after a saved post (POST/redirect/GET): the confirmation page, told what happened. */
export function savedFeedbackUrl(saved: SavedFeedback): string {
  return `/feedback/saved?${new URLSearchParams({ outcome: saved.outcome, label: saved.label, id: saved.id }).toString()}`;
}

/** Reads the confirmation page's query back; problems name each bad parameter. */
export function savedFeedbackFromQuery(query: unknown): { saved?: SavedFeedback; problems: FieldProblem[] } {
  const q = isRecord(query) ? query : {};
  const problems: FieldProblem[] = [];
  if (!OUTCOMES.includes(q.outcome as FeedbackOutcome))
    problems.push({ field: 'outcome', message: `must be one of ${OUTCOMES.join(', ')}` });
  if (!FEEDBACK_LABELS.includes(q.label as FeedbackLabel))
    problems.push({ field: 'label', message: `must be one of ${FEEDBACK_LABELS.join(', ')}` });
  if (typeof q.id !== 'string' || !UUID.test(q.id)) problems.push({ field: 'id', message: 'must be a UUID' });
  if (problems.length > 0) return { problems };
  return {
    saved: { outcome: q.outcome as FeedbackOutcome, label: q.label as FeedbackLabel, id: q.id as string },
    problems,
  };
}

export function labelText(label: FeedbackLabel): string {
  return label === 'spam' ? 'spam' : 'not spam';
}
