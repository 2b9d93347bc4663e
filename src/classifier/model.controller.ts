import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { DTO_VALIDATION } from '../http/dto-validation.pipe';
import { ApiErrorResponse, ERROR_EXAMPLES } from '../http/error-response';
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
  @ApiErrorResponse(503, 'No model loaded yet.', ERROR_EXAMPLES.noModel)
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
  @ApiErrorResponse(
    400,
    'Invalid body; `details` names each field and what would be valid.',
    'artifact must be a file name or version (letters, digits, ".", "_", "-")',
    [{ field: 'artifact', message: 'must be a file name or version (letters, digits, ".", "_", "-")' }],
  )
  @ApiErrorResponse(401, 'No bearer token.', ERROR_EXAMPLES.noToken)
  @ApiErrorResponse(403, 'Wrong token, or admin routes disabled (no ADMIN_API_TOKEN).', ERROR_EXAMPLES.wrongToken)
  @ApiErrorResponse(
    404,
    'No artifact of that name or version.',
    'no artifact named "20261127T140512Z-3f9a1c2b" (file name or version) in MODEL_DIR',
  )
  @ApiErrorResponse(
    422,
    'The artifact was refused; the previous model keeps serving.',
    'artifact 20261127T140512Z-3f9a1c2b.json is not loadable: checksum mismatch; the previous model keeps serving',
  )
  async reload(@Body(DTO_VALIDATION) body: ReloadRequestDto = {}): Promise<ModelCard> {
    return cardOf(await this.loader.reload(body?.artifact));
  }
}
