import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { ClassifyPagePresenter } from './classify-page.presenter';
import { FeedbackPagePresenter } from './feedback-page.presenter';
import { ModelPagePresenter } from './model-page.presenter';
import { PageFacts } from './page-facts.service';
import { WebFeedbackController } from './web-feedback.controller';
import { WebController } from './web.controller';

/**
 * The server-rendered pages. The presenters take the feedback service, the tracking store and the champion follower
 * as optional dependencies: `register` imports the platform modules the application loads (none in an engine-only
 * app), and the feedback buttons and the tracking history appear when their modules are among them.
 */
@Module({})
export class WebModule {
  static register(platformModules: ReadonlyArray<Type | DynamicModule> = []): DynamicModule {
    return {
      module: WebModule,
      imports: [...platformModules],
      controllers: [WebController, WebFeedbackController],
      providers: [PageFacts, ClassifyPagePresenter, ModelPagePresenter, FeedbackPagePresenter],
    };
  }
}
