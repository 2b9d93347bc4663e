import { IsIn, IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { CHANNELS, type Channel } from '../classifier/dto/prediction.dto';

/** The page's form (application/x-www-form-urlencoded): a message, or the id of an example. */
export class WebClassifyDto {
  @IsString({ message: 'Message must be text.' })
  @IsNotEmpty({ message: 'Message must not be empty.' })
  @Matches(/\S/, { message: 'Message must contain a non-whitespace character.' })
  text: string;

  @IsOptional()
  @IsIn(CHANNELS, { message: 'Channel must be one of sms, email, auto.' })
  channel?: Channel;

  @IsOptional()
  @IsString()
  example?: string;
}
