import { Controller, Get, Header, Headers, Optional } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { SecretsService } from '../config/secrets.service';
import { ADMIN_TOKEN_SECRET, presentsAdminToken } from '../http/admin-credentials';
import { ErrorResponseDto } from '../http/error-response';
import { HealthService } from './health.service';

const DETAILS_NOTE =
  'Each indicator shows its status only; with `Authorization: Bearer $ADMIN_API_TOKEN` also its details ' +
  '(model source, dependency errors, process id).';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    @Optional() private readonly secrets?: SecretsService,
  ) {}

  @Get('health/live')
  @HealthCheck()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Liveness: the process answers (no dependencies checked).', description: DETAILS_NOTE })
  live(@Headers('authorization') authorization?: string): Promise<HealthCheckResult> {
    return this.health.live(this.isAdmin(authorization));
  }

  @Get('health/ready')
  @HealthCheck()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Readiness: a model is loaded, the pod is not draining, required dependencies are up.',
    description: DETAILS_NOTE,
  })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Not ready; `details` holds each indicator.' })
  ready(@Headers('authorization') authorization?: string): Promise<HealthCheckResult> {
    return this.health.ready(this.isAdmin(authorization));
  }

  @Get('ready')
  @HealthCheck()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "The seed's readiness route (same checks as /health/ready).", description: DETAILS_NOTE })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto })
  seedReady(@Headers('authorization') authorization?: string): Promise<HealthCheckResult> {
    return this.health.ready(this.isAdmin(authorization));
  }

  private isAdmin(authorization: string | undefined): boolean {
    return presentsAdminToken(authorization, this.secrets?.get(ADMIN_TOKEN_SECRET));
  }
}
