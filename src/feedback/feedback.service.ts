import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { FieldValidationError } from '../http/error-response';
import { feedbackConfig, type FeedbackConfig } from './config/feedback.config';
import type {
  CreateFeedbackDto,
  FeedbackItemDto,
  FeedbackPageDto,
  FeedbackReceiptDto,
  ListFeedbackQueryDto,
} from './dto/feedback.dto';
import { FeedbackStore } from './feedback.store';
import { withFeedbackStore } from './feedback-store-errors';
import { isUuid, type FeedbackRecord } from './feedback.types';

/** Feedback in (relearn by content hash), listed and unlearned by admins; maps store records to the API's shape. */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly store: FeedbackStore,
    @Inject(feedbackConfig.KEY) private readonly config: FeedbackConfig,
  ) {}

  async submit(dto: CreateFeedbackDto): Promise<FeedbackReceiptDto> {
    const limit = this.config.maxTextChars;
    if (dto.text.trim() === '') {
      throw new FieldValidationError('text must not be empty or only white space', [
        { field: 'text', message: 'must not be empty or only white space' },
      ]);
    }
    if (dto.text.length > limit) {
      const message = `must be at most ${limit} characters (FEEDBACK_MAX_TEXT_CHARS), got ${dto.text.length}`;
      throw new FieldValidationError(`text ${message}`, [{ field: 'text', message }]);
    }
    const { outcome, record } = await withFeedbackStore(() =>
      this.store.upsert({
        text: dto.text,
        label: dto.label,
        requestId: dto.request_id,
        channel: dto.channel,
        source: dto.source,
      }),
    );
    return { outcome, feedback: toItem(record) };
  }

  async list(query: ListFeedbackQueryDto): Promise<FeedbackPageDto> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from.getTime() > to.getTime()) {
      throw new FieldValidationError('from must not be after to', [
        { field: 'from', message: `must not be after to (${query.to})` },
      ]);
    }
    const page = await withFeedbackStore(() =>
      this.store.list({ label: query.label, from, to, limit: query.limit, offset: query.offset }),
    );
    return { items: page.items.map(toItem), total: page.total, limit: page.limit, offset: page.offset };
  }

  async remove(id: string): Promise<void> {
    if (!isUuid(id))
      throw new FieldValidationError(`id must be a UUID, got "${id.slice(0, 64)}"`, [
        { field: 'id', message: 'must be a UUID' },
      ]);
    if (!(await withFeedbackStore(() => this.store.delete(id))))
      throw new NotFoundException(`feedback ${id} not found`);
  }
}

function toItem(record: FeedbackRecord): FeedbackItemDto {
  return {
    id: record.id,
    text: record.text,
    label: record.label,
    content_hash: record.contentHash,
    channel: record.channel,
    source: record.source,
    request_id: record.requestId,
    created_at: record.createdAt.toISOString(),
    labelled_at: record.labelledAt.toISOString(),
    relabel_count: record.relabelCount,
  };
}
