import { Inject, Injectable, Optional } from '@nestjs/common';
import { classifierConfig, type ClassifierConfig } from '../classifier/config/classifier.config';
import { ModelHolder } from '../classifier/model-holder.service';
import { DefaultModelTrainer, type DefaultModelTraining } from '../classifier/model-artifact.port';
import { operatingPointOf } from '../classifier/operating-point';
import { PredictionService } from '../classifier/prediction.service';
import { FeedbackService } from '../feedback/feedback.service';
import { FieldValidationError } from '../http/error-response';
import { httpConfig, type HttpConfig } from '../http/http.config';
import { EXAMPLE_MESSAGES } from './examples';
import type { Explanation, WordContribution } from '../engine';
import { highlightPreview } from './highlight';
import { PageFacts } from './page-facts.service';
import type { ClassifyForm } from './web-classify.dto';
import { EMAIL_PREFIX_FACTOR } from '../classifier/message-reader';
import type { PredictionResult } from '../classifier/prediction.service';
import { decisionWords, modelThresholdWords } from './threshold-words';

/** Words listed per side. */
const LISTED_WORDS = 8;
/** Characters of the submitted source shown behind the page's disclosure. */
const SOURCE_CHARS = 20_000;
/**
 * The most bytes one textarea character can take in a url-encoded form: a UTF-16 code unit of a non-Latin script is
 * 3 bytes of UTF-8, each sent as `%XX`. The textarea's limit is what always fits the body limit, so a long Cyrillic
 * text is stopped in the browser instead of ending on a 413.
 */
const FORM_BYTES_PER_CHAR = 9;
/** Room for the other fields and the names. */
const FORM_OVERHEAD_BYTES = 1024;

/** How often the page reloads itself while no model is loaded (a meta refresh: no JavaScript needed). */
const REFRESH_SECONDS = 5;
/** What the first start's training takes, as measured on a 2-core machine (README). */
const FIRST_TRAINING_SECONDS = '20–40 s';
const STAGE_WORDS: Record<string, string> = {
  search: 'searching the hyperparameters',
  'cross-validation': 'cross-validating',
  fit: 'fitting the model',
  evaluate: 'evaluating it on the test rows',
  write: 'writing the model and its report',
};

/** A rendered page: its status and the view model of its template. */
export interface PageView {
  readonly status: number;
  readonly view: Record<string, unknown>;
}

/**
 * The classify page (index.hbs): the form, and after a post the verdict with its explanation and the feedback
 * buttons (when the feedback module is loaded), or the form again with what went wrong.
 */
@Injectable()
export class ClassifyPagePresenter {
  constructor(
    private readonly predictions: PredictionService,
    private readonly holder: ModelHolder,
    private readonly pageFacts: PageFacts,
    @Inject(classifierConfig.KEY) private readonly classifier: ClassifierConfig,
    @Inject(httpConfig.KEY) private readonly http: HttpConfig,
    @Optional() private readonly feedback?: FeedbackService,
    @Optional() private readonly trainer?: DefaultModelTrainer,
  ) {}

  /** The empty form; while no model is loaded, a notice saying why and a page that reloads itself. */
  blank(now = new Date()): Record<string, unknown> {
    const page = this.page({ text: '', channel: 'auto', threshold: '' });
    if (this.holder.active()) return page;
    return { ...page, refreshSeconds: REFRESH_SECONDS, noModel: noModelNotice(this.trainer?.training?.(), now) };
  }

  async classify(form: ClassifyForm, requestId: string): Promise<PageView> {
    if (!form.valid) return this.problem(400, form, form.channel, [...form.errors]);
    const channel = form.channel ?? 'auto';
    const typed = form.threshold === undefined ? '' : String(form.threshold);
    const active = this.holder.active();
    if (!active)
      return this.problem(503, { text: form.text, threshold: typed }, channel, [
        'No model is loaded yet; try again in a moment.',
      ]);
    try {
      const { result, classification, classifiedText } = await this.predictions.classifyForPage(
        form.text,
        form.channel,
        requestId,
        form.threshold,
      );
      const explanation = listedWords(classification.explanation);
      const point = operatingPointOf(active.artifact);
      return {
        status: 200,
        view: this.page({
          text: form.text,
          channel,
          threshold: typed,
          result: {
            ...result,
            spam: result.prediction === 'spam',
            verdict: result.prediction === 'spam' ? 'Spam' : 'Not spam',
            confidencePercent: Math.round(result.confidence * 1000) / 10,
            spamPercent: Math.round(result.spam_probability * 1000) / 10,
            decision: decisionWords(classification.spamProbability, result, point),
            // All the model read (CLASSIFY_MAX_CHARS), in a box that scrolls.
            preview: highlightPreview(classifiedText, explanation, this.classifier.classifyMaxChars),
            source: classifiedText === form.text ? undefined : sourceOf(form.text),
            previewCut: classifiedText.length > this.classifier.classifyMaxChars,
            truncationNote: truncationNote(result),
            towardsSpam: explanation?.towardsSpam.map(wordRow) ?? [],
            towardsHam: explanation?.towardsHam.map(wordRow) ?? [],
            unitNote: explanation ? unitNote(explanation, classification.threshold) : undefined,
            feedback: this.feedback ? { text: form.text } : undefined,
          },
        }),
      };
    } catch (error) {
      if (error instanceof FieldValidationError)
        return this.problem(400, { text: form.text.slice(0, 10_000), threshold: typed }, channel, [error.message]);
      throw error;
    }
  }

  /** The textarea's limit: MAX_TEXT_CHARS, or fewer when the body limit could not carry that many in any script. */
  formChars(): number {
    const fits = Math.floor((this.http.bodyLimitBytes - FORM_OVERHEAD_BYTES) / FORM_BYTES_PER_CHAR / 1000) * 1000;
    return Math.max(1000, Math.min(this.classifier.maxTextChars, fits));
  }

  private problem(
    status: number,
    typed: { text: string; threshold?: string | number },
    channel: string | undefined,
    errors: string[],
  ): PageView {
    const threshold = typed.threshold === undefined ? '' : String(typed.threshold);
    return { status, view: this.page({ text: typed.text, channel: channel ?? 'auto', threshold, errors }) };
  }

  private page(form: {
    text: string;
    channel: string;
    threshold?: string;
    errors?: string[];
    result?: unknown;
  }): Record<string, unknown> {
    const active = this.holder.active();
    const point = active && operatingPointOf(active.artifact);
    return {
      title: 'Classify a message',
      facts: this.pageFacts.facts(),
      examples: EXAMPLE_MESSAGES,
      maxTextChars: this.formChars(),
      // What decides when the threshold field is left empty: the placeholder (one threshold) and the help.
      modelThreshold: point && Object.keys(point.channels).length === 0 ? String(point.threshold) : undefined,
      modelThresholdWords: point && modelThresholdWords(point),
      form: {
        ...form,
        sms: form.channel === 'sms',
        email: form.channel === 'email',
        auto: form.channel !== 'sms' && form.channel !== 'email',
      },
      result: form.result,
      errors: form.errors,
    };
  }
}

/**
 * Why the page cannot classify yet: the first model training (the share of its steps done, the stage, the time so
 * far), or a model still loading. The step share is not a share of the time: fitting takes most of it.
 */
function noModelNotice(training: DefaultModelTraining | undefined, now: Date): { title: string; detail: string } {
  if (!training) {
    return {
      title: 'Loading the model…',
      detail: `This page reloads itself every ${REFRESH_SECONDS} s until a model serves.`,
    };
  }
  const seconds = Math.max(0, Math.round((now.getTime() - training.startedAt.getTime()) / 1000));
  const step = training.step;
  const progress = !step
    ? 'reading the training data'
    : step.done >= step.total
      ? '100 %, loading it'
      : `${Math.floor((100 * step.done) / Math.max(1, step.total))} % of the steps done (step ${step.done + 1} of ${step.total}: ${STAGE_WORDS[step.stage] ?? step.stage})`;
  return {
    title: `Training the first model… ${progress}`,
    detail:
      `${seconds} s so far; the first model usually takes ${FIRST_TRAINING_SECONDS}, most of it fitting. ` +
      `This page reloads itself every ${REFRESH_SECONDS} s and lets you classify once the model serves.`,
  };
}

/** The words the page lists; the same ones are highlighted, so the list and the marks never disagree. */
function listedWords(e: Explanation | undefined): Explanation | undefined {
  if (!e) return undefined;
  return { ...e, towardsSpam: e.towardsSpam.slice(0, LISTED_WORDS), towardsHam: e.towardsHam.slice(0, LISTED_WORDS) };
}

function signed(x: number, digits: number): string {
  const text = Math.abs(x).toFixed(digits);
  return Number(text) === 0 ? text : `${x > 0 ? '+' : '−'}${text}`;
}

function wordRow(w: WordContribution): { word: string; weight: number; weightText: string; countText: string } {
  const count = w.spans.length;
  return {
    word: shownWord(w.word),
    weight: w.weight,
    weightText: signed(w.weight, 2),
    countText: count > 1 ? `${count}×` : '',
  };
}

/** A run of one repeated character (a `______` rule line) is written as the character and its length. */
function shownWord(word: string): string {
  const chars = [...word];
  return chars.length > 8 && chars.every((c) => c === chars[0]) ? `${chars[0]} × ${chars.length}` : word;
}

/** One line saying what the weights are and how they make the verdict at the threshold that decided. */
export function unitNote(e: Explanation, threshold: number): string {
  if (e.unit === 'probability') {
    return (
      `Weights are points of spam probability and add up to this message's ${e.total.toFixed(2)} ` +
      `(spam from ${Number(threshold.toPrecision(4))}, the threshold); each includes its share of the model's ` +
      `starting point, ${e.baseline.toFixed(2)}.`
    );
  }
  const from =
    threshold >= 1
      ? 'spam only at a probability of 1, the threshold'
      : `spam from ${signed(Math.log(threshold / (1 - threshold)), 2)}, the threshold ${Number(threshold.toPrecision(4))} in log-odds`;
  return (
    `Weights are log-odds of spam and add up to this message's ${signed(e.total, 2)} (${from}; +0.7 about ` +
    `doubles the odds, −0.7 halves them). Each includes its share of the model's starting point, ` +
    `${signed(e.baseline, 2)}, so a word counts towards spam only when it outweighs that share.`
  );
}

/** What the model did not read, in words (the API's `truncated`). */
function truncationNote({ truncated, channel }: PredictionResult): string | undefined {
  if (!truncated) return undefined;
  const n = (x: number): string => x.toLocaleString('en');
  const notes: string[] = [];
  if (truncated.read_chars < truncated.total_chars) {
    const of = channel === 'email' ? " characters of the email's text" : ' characters';
    notes.push(
      `Only the first ${n(truncated.read_chars)} of ${n(truncated.total_chars)}${of} were read (CLASSIFY_MAX_CHARS).`,
    );
  }
  if (truncated.source_read_chars !== undefined && truncated.source_total_chars !== undefined)
    notes.push(
      `The email was read from its first ${n(truncated.source_read_chars)} of ${n(truncated.source_total_chars)} characters (${EMAIL_PREFIX_FACTOR} × CLASSIFY_MAX_CHARS).`,
    );
  return notes.join(' ');
}

/** The message as it was submitted (headers, HTML), for the disclosure under the text the model read. */
function sourceOf(text: string): { text: string; cut: boolean; chars: string } {
  return {
    text: text.slice(0, SOURCE_CHARS),
    cut: text.length > SOURCE_CHARS,
    chars: text.length.toLocaleString('en'),
  };
}
