import { Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, validateSync } from 'class-validator';
import { CHANNEL_CHOICES, isRecord, type ChannelChoice } from '../engine';
import { EXAMPLE_MESSAGES } from './examples';

const THRESHOLD_MESSAGE = 'Threshold must be a number greater than 0 and at most 1 (for example 0.8), or empty.';

/** The page's form (application/x-www-form-urlencoded): a message, or the id of an example. */
export class WebClassifyDto {
  @IsString({ message: 'Message must be text.' })
  @IsNotEmpty({ message: 'Message must not be empty.' })
  @Matches(/\S/, { message: 'Message must contain a non-whitespace character.' })
  text: string;

  @IsOptional()
  @IsIn(CHANNEL_CHOICES, { message: 'Channel must be one of sms, email, auto.' })
  channel?: ChannelChoice;

  @IsOptional()
  @IsString()
  example?: string;

  /** The decision threshold as typed; empty = the model's operating point. */
  @IsOptional()
  @IsString({ message: THRESHOLD_MESSAGE })
  threshold?: string;
}

/** The posted form, read: a message to classify, or what to show again with the problems (the page answers 400). */
export type ClassifyForm =
  | { readonly valid: true; readonly text: string; readonly channel?: ChannelChoice; readonly threshold?: number }
  | {
      readonly valid: false;
      readonly text: string;
      readonly channel?: string;
      readonly threshold?: string;
      readonly errors: readonly string[];
    };

/** A typed threshold: empty is none; otherwise a number with 0 < t ≤ 1 (a comma taken as the decimal point). */
export function formThreshold(raw: string | undefined): number | undefined | 'invalid' {
  const typed = raw?.trim() ?? '';
  if (typed === '') return undefined;
  const value = /^[+]?(\d+([.,]\d*)?|[.,]\d+)$/.test(typed) ? Number(typed.replace(',', '.')) : Number.NaN;
  return Number.isFinite(value) && value > 0 && value <= 1 ? value : 'invalid';
}

/**
 * Reads the page's form: an example's id stands for its text and channel; the fields are validated by
 * `WebClassifyDto`. Invalid input is not an exception here: the page shows the form again with the messages.
 */
@Injectable()
export class WebClassifyFormPipe implements PipeTransform<unknown, ClassifyForm> {
  transform(body: unknown): ClassifyForm {
    const dto = plainToInstance(WebClassifyDto, isRecord(body) ? body : {});
    const example = EXAMPLE_MESSAGES.find((e) => e.id === dto.example);
    if (example) {
      dto.text = example.text;
      dto.channel = example.channel;
    }
    const messages = validateSync(dto, { whitelist: true }).flatMap((e) => Object.values(e.constraints ?? {}));
    const threshold = typeof dto.threshold === 'string' ? formThreshold(dto.threshold) : undefined;
    if (threshold === 'invalid') messages.push(THRESHOLD_MESSAGE);
    if (messages.length === 0 && threshold !== 'invalid') {
      return { valid: true, text: dto.text, channel: dto.channel, ...(threshold === undefined ? {} : { threshold }) };
    }
    return {
      valid: false,
      text: String(dto.text ?? ''),
      channel: dto.channel,
      threshold: typeof dto.threshold === 'string' ? dto.threshold.slice(0, 40) : undefined,
      errors: messages,
    };
  }
}
