import { Inject, Logger, Module, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SecretsService } from '../config/secrets.service';
import { ReadinessRegistry } from '../health/readiness.registry';
import { feedbackConfig, type FeedbackConfig } from './config/feedback.config';
import { FeedbackController } from './feedback.controller';
import { FeedbackService } from './feedback.service';
import { FeedbackStore } from './feedback.store';
import { createFeedbackStore, describeFeedbackStore, type FeedbackStoreSelection } from './feedback-store.factory';

const FEEDBACK_STORE_SELECTION = Symbol('FEEDBACK_STORE_SELECTION');

/**
 * The feedback API and its store (PostgreSQL with DATABASE_URL, else the SQLite file), opened and migrated at start,
 * reported to readiness as `feedback-db`, closed at shutdown. Needs the global SecretsService and ThrottlerModule.
 * A plain (not dynamic) module, so every importer shares one store.
 */
@Module({
  imports: [AuthModule],
  controllers: [FeedbackController],
  providers: [
    {
      provide: FEEDBACK_STORE_SELECTION,
      inject: [feedbackConfig.KEY, SecretsService],
      useFactory: async (config: FeedbackConfig, secrets: SecretsService): Promise<FeedbackStoreSelection> => {
        const selection = createFeedbackStore(config, secrets);
        await selection.store.open();
        return selection;
      },
    },
    {
      provide: FeedbackStore,
      inject: [FEEDBACK_STORE_SELECTION],
      useFactory: (selection: FeedbackStoreSelection): FeedbackStore => selection.store,
    },
    FeedbackService,
  ],
  exports: [FeedbackStore, FeedbackService],
})
export class FeedbackModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(FeedbackModule.name);
  private unregister: (() => void) | undefined;

  constructor(
    private readonly store: FeedbackStore,
    @Inject(feedbackConfig.KEY) private readonly config: FeedbackConfig,
    @Inject(FEEDBACK_STORE_SELECTION) private readonly selection: FeedbackStoreSelection,
    @Optional() private readonly readiness?: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    const kind = this.selection.kind;
    this.unregister = this.readiness?.register({
      name: 'feedback-db',
      required: false,
      check: async () => {
        try {
          await this.store.countNewSinceLastRun();
          return { up: true, details: { store: kind } };
        } catch (error) {
          return { up: false, details: { store: kind, error: (error as Error).message } };
        }
      },
    });
    this.logger.log(`feedback store: ${describeFeedbackStore(kind, this.config)}`);
  }

  /** Runs after every beforeApplicationShutdown (retraining stops its run and releases the lease there first). */
  async onApplicationShutdown(): Promise<void> {
    this.unregister?.();
    await this.store.close();
  }
}
