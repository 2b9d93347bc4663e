import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { DTO_VALIDATION } from '../http/dto-validation.pipe';
import { ErrorResponseDto } from '../http/error-response';
import { ModelCardDto, ReloadRequestDto } from './dto/model.dto';
import { ModelCardService, cardOf, type ModelCard } from './model-card.service';
import { ModelLoader } from './model-loader.service';

@ApiTags('model')
@Controller('api/v1/model')
export class ModelController {
  constructor(
    private readonly cards: ModelCardService,
    private readonly loader: ModelLoader,
  ) {}

  @Get()
  @ApiOperation({ summary: "The active model's card: version, algorithm, parameters, metrics, training data, source." })
  @ApiOkResponse({ type: ModelCardDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'No model loaded yet.' })
  card(): ModelCard {
    return this.cards.card();
  }

  @Post('reload')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: '(admin) Load the newest artifact in MODEL_DIR, or a named one, without a restart.' })
  @ApiBody({ type: ReloadRequestDto, required: false })
  @ApiOkResponse({ type: ModelCardDto, description: 'The model now serving.' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No bearer token.' })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: 'Wrong token, or admin routes disabled (no ADMIN_API_TOKEN).',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No artifact of that name or version.' })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description: 'The artifact was refused; the previous model keeps serving.',
  })
  async reload(@Body(DTO_VALIDATION) body: ReloadRequestDto = {}): Promise<ModelCard> {
    return cardOf(await this.loader.reload(body?.artifact));
  }
}
