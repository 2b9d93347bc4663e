import { Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, validateSync } from 'class-validator';
import { CHANNEL_CHOICES, isRecord, type ChannelChoice } from '../engine';
import { EXAMPLE_MESSAGES } from './examples';

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
}

/** The posted form, read: a message to classify, or what to show again with the problems (the page answers 400). */
export type ClassifyForm =
  | { readonly valid: true; readonly text: string; readonly channel?: ChannelChoice }
  | { readonly valid: false; readonly text: string; readonly channel?: string; readonly errors: readonly string[] };

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
    const errors = validateSync(dto, { whitelist: true });
    if (errors.length === 0) return { valid: true, text: dto.text, channel: dto.channel };
    return {
      valid: false,
      text: String(dto.text ?? ''),
      channel: dto.channel,
      errors: errors.flatMap((e) => Object.values(e.constraints ?? {})),
    };
  }
}
