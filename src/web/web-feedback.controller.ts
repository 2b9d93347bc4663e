import { Body, Controller, Get, Logger, Post, Query, Req, Res, UseGuards, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiThrottlerGuard } from '../http/api-throttler.guard';
import { FieldValidationError } from '../http/error-response';
import { FeedbackService } from '../feedback/feedback.service';
import { optionalProvider } from './optional-provider';
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

/**
 * The result's "This is spam" / "This is not spam" buttons without JavaScript: a form post that goes through the
 * same FeedbackService as `POST /api/v1/feedback`, then a 303 redirect to a page that says what happened
 * (POST/redirect/GET, so reloading the confirmation does not post again).
 */
@ApiExcludeController()
@Controller('feedback')
export class WebFeedbackController implements OnModuleInit {
  private readonly logger = new Logger(WebFeedbackController.name);
  private feedback: FeedbackService | undefined;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly page: PageFacts,
  ) {}

  onModuleInit(): void {
    this.feedback = optionalProvider(this.moduleRef, FeedbackService);
  }

  @Post()
  @UseGuards(ApiThrottlerGuard)
  async submit(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const refusal = crossSiteRefusal(req.headers, req.host);
    if (refusal) return this.problem(reply, 403, undefined, [{ field: '', message: `Not saved: ${refusal}.` }]);
    const form = feedbackFromForm(body);
    if (!this.feedback)
      return this.problem(reply, 404, undefined, [
        { field: '', message: 'Feedback is not available on this server (no feedback store is configured).' },
      ]);
    if (!form.dto) return this.problem(reply, 400, form.retry, form.problems);
    try {
      const receipt = await this.feedback.submit(form.dto);
      await reply
        .code(303)
        .header(
          'location',
          savedFeedbackUrl({ outcome: receipt.outcome, label: receipt.feedback.label, id: receipt.feedback.id }),
        )
        .header('cache-control', 'no-store')
        .send();
    } catch (error) {
      if (error instanceof FieldValidationError) return this.problem(reply, 400, form.retry, [...error.details]);
      this.logger.error(`feedback not saved: ${(error as Error).message}`);
      return this.problem(reply, 503, form.retry, [
        {
          field: '',
          message: 'The feedback store is not available right now; your label was not saved. Try again later.',
        },
      ]);
    }
  }

  @Get('saved')
  async saved(@Query() query: unknown, @Res() reply: FastifyReply): Promise<void> {
    const { saved, problems } = savedFeedbackFromQuery(query);
    if (!saved) return this.problem(reply, 400, undefined, problems);
    await reply.view('feedback.hbs', {
      title: 'Feedback saved',
      facts: this.page.facts(),
      saved: { ...saved, ...describe(saved) },
    });
  }

  /** The feedback page with the problems, each naming its field, and the form again so the label can be retried. */
  private async problem(
    reply: FastifyReply,
    status: number,
    retry: FeedbackRetry | undefined,
    problems: FieldProblem[],
  ): Promise<void> {
    await reply.status(status).view('feedback.hbs', {
      title: 'Feedback not saved',
      facts: this.page.facts(),
      problems,
      retry,
    });
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
