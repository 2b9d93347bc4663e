import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PageThrottlerGuard } from '../http/client-throttler.guard';
import { HtmlErrorPage } from '../http/html-error-page';
import { ClassifyPagePresenter } from './classify-page.presenter';
import { ModelPagePresenter } from './model-page.presenter';
import { WebClassifyFormPipe, type ClassifyForm } from './web-classify.dto';

/** The server-rendered pages: they work without JavaScript, all user text escaped by Handlebars. */
@ApiExcludeController()
@Controller()
export class WebController {
  constructor(
    private readonly classifyPage: ClassifyPagePresenter,
    private readonly modelPage: ModelPagePresenter,
  ) {}

  @Get()
  @HtmlErrorPage()
  home(@Res() reply: FastifyReply): unknown {
    return reply.view('index.hbs', this.classifyPage.blank());
  }

  @Post()
  @HtmlErrorPage()
  @HttpCode(200)
  @UseGuards(PageThrottlerGuard)
  async classify(
    @Body(WebClassifyFormPipe) form: ClassifyForm,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<unknown> {
    const page = await this.classifyPage.classify(form, req.id);
    return reply.status(page.status).view('index.hbs', page.view);
  }

  @Get('model')
  @HtmlErrorPage()
  async model(@Res() reply: FastifyReply): Promise<void> {
    await reply.view('model.hbs', await this.modelPage.view());
  }

  @Get('model/report/:file')
  async reportFile(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    await svgReply(reply, await this.modelPage.reportChart(file));
  }

  @Get('model/charts/:set/:chart')
  chart(@Param('set') set: string, @Param('chart') chart: string, @Res() reply: FastifyReply): FastifyReply {
    return svgReply(reply, this.modelPage.metricChart(set, chart));
  }
}

function svgReply(reply: FastifyReply, svg: string): FastifyReply {
  return reply.header('content-type', 'image/svg+xml; charset=utf-8').header('cache-control', 'no-store').send(svg);
}
