import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PageThrottlerGuard } from '../http/client-throttler.guard';
import { HtmlErrorPage } from '../http/html-error-page';
import { FeedbackPagePresenter } from './feedback-page.presenter';

/** The page's feedback buttons: a form post answered by a redirect to the confirmation page, or by the problems. */
@ApiExcludeController()
@Controller('feedback')
export class WebFeedbackController {
  constructor(private readonly feedbackPage: FeedbackPagePresenter) {}

  @Post()
  @HtmlErrorPage()
  @UseGuards(PageThrottlerGuard)
  async submit(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const outcome = await this.feedbackPage.submit(body, req.headers, req.host);
    if ('redirect' in outcome) {
      await reply.code(303).header('location', outcome.redirect).header('cache-control', 'no-store').send();
      return;
    }
    await reply.status(outcome.status).view('feedback.hbs', outcome.view);
  }

  @Get('saved')
  @HtmlErrorPage()
  async saved(@Query() query: unknown, @Res() reply: FastifyReply): Promise<void> {
    const page = this.feedbackPage.saved(query);
    await reply.status(page.status).view('feedback.hbs', page.view);
  }
}
