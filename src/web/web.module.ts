import { Module } from '@nestjs/common';
import { PageFacts } from './page-facts.service';
import { WebFeedbackController } from './web-feedback.controller';
import { WebController } from './web.controller';

/**
 * The server-rendered page. Feedback buttons and the tracking history appear when the platform modules (feedback,
 * tracking store) are loaded; the page finds them at start without importing their modules.
 */
@Module({ controllers: [WebController, WebFeedbackController], providers: [PageFacts] })
export class WebModule {}
