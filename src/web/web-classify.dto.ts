import { IsIn, IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { CHANNEL_CHOICES, type ChannelChoice } from '../engine';

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
