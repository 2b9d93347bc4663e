import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { feedbackConfig, type FeedbackConfig } from './config/feedback.config';

/** FEEDBACK_API_AUTH: with `admin-token`, posting feedback needs the admin bearer token (401/403 as admin routes). */
@Injectable()
export class FeedbackApiAuthGuard implements CanActivate {
  constructor(
    @Inject(feedbackConfig.KEY) private readonly config: FeedbackConfig,
    private readonly admin: AdminTokenGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    return this.config.apiAuth === 'none' || this.admin.canActivate(context);
  }
}
