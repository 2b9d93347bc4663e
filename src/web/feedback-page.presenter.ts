import { Injectable, Logger, Optional } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { FeedbackService } from '../feedback/feedback.service';
import { FieldValidationError } from '../http/error-response';
import type { PageView } from './classify-page.presenter';
import { PageFacts } from './page-facts.service';
import { crossSiteRefusal } from './same-origin';
import {
  feedbackFromForm,
  labelText,
  savedFeedbackFromQuery,
  savedFeedbackUrl,
  type FeedbackRetry,
  type FieldProblem,
  type SavedFeedback,
} from './web-feedback.form';

/** What a feedback post leads to: the confirmation page (a redirect), or feedback.hbs with the problems. */
export type FeedbackPostOutcome = { readonly redirect: string } | PageView;

/**
 * The result's "This is spam" / "This is not spam" buttons without JavaScript: a form post that goes through the
 * same FeedbackService as `POST /api/v1/feedback` (when the feedback module is loaded), then the confirmation page
 * (POST/redirect/GET, so reloading the confirmation does not post again).
 */
@Injectable()
export class FeedbackPagePresenter {
  private readonly logger = new Logger(FeedbackPagePresenter.name);

  constructor(
    private readonly page: PageFacts,
    @Optional() private readonly feedback?: FeedbackService,
  ) {}

  async submit(body: unknown, headers: IncomingHttpHeaders, host: string): Promise<FeedbackPostOutcome> {
    const refusal = crossSiteRefusal(headers, host);
    if (refusal) return this.problem(403, undefined, [{ field: '', message: `Not saved: ${refusal}.` }]);
    const form = feedbackFromForm(body);
    if (!this.feedback)
      return this.problem(404, undefined, [
        { field: '', message: 'Feedback is not available on this server (no feedback store is configured).' },
      ]);
    if (!form.dto) return this.problem(400, form.retry, form.problems);
    try {
      const receipt = await this.feedback.submit(form.dto);
      return {
        redirect: savedFeedbackUrl({
          outcome: receipt.outcome,
          label: receipt.feedback.label,
          id: receipt.feedback.id,
        }),
      };
    } catch (error) {
      if (error instanceof FieldValidationError) return this.problem(400, form.retry, [...error.details]);
      this.logger.error(`feedback not saved: ${(error as Error).message}`);
      return this.problem(503, form.retry, [
        {
          field: '',
          message: 'The feedback store is not available right now; your label was not saved. Try again later.',
        },
      ]);
    }
  }

  /** The confirmation page, told by its query what happened. */
  saved(query: unknown): PageView {
    const { saved, problems } = savedFeedbackFromQuery(query);
    if (!saved) return this.problem(400, undefined, problems);
    return {
      status: 200,
      view: { title: 'Feedback saved', facts: this.page.facts(), saved: { ...saved, ...describe(saved) } },
    };
  }

  /** The feedback page with the problems, each naming its field, and the form again so the label can be retried. */
  private problem(status: number, retry: FeedbackRetry | undefined, problems: FieldProblem[]): PageView {
    return { status, view: { title: 'Feedback not saved', facts: this.page.facts(), problems, retry } };
  }
}

function describe(saved: SavedFeedback): { heading: string; detail: string } {
  const label = labelText(saved.label);
  const other = labelText(saved.label === 'spam' ? 'not_spam' : 'spam');
  switch (saved.outcome) {
    case 'created':
      return {
        heading: `Thank you: saved as ${label}`,
        detail: `This message is new to the feedback store. The next retraining learns from it.`,
      };
    case 'relabelled':
      return {
        heading: `Relabelled: now ${label}`,
        detail: `This message was labelled ${other} before; your label replaces it (relearn).`,
      };
    case 'unchanged':
      return {
        heading: `Unchanged: already ${label}`,
        detail: `This message was already labelled ${label}; nothing changed.`,
      };
  }
}
