import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { ErrorResponseDto } from '../http/error-response';
import { ModelHolder } from '../classifier/model-holder.service';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly holder: ModelHolder,
  ) {}

  @Get('health/live')
  @HealthCheck()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Liveness: the process answers (no dependencies checked).' })
  live(): Promise<HealthCheckResult> {
    return this.health.live();
  }

  @Get('health/ready')
  @HealthCheck()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Readiness: a model is loaded, the pod is not draining, required dependencies are up.' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Not ready; `details` holds each indicator.' })
  ready(): Promise<HealthCheckResult> {
    return this.health.ready();
  }

  @Get('health')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "The seed's health route: the process answers and whether a model is loaded." })
  @ApiOkResponse({
    schema: { example: { status: 'healthy', model_loaded: true, model_version: '20261127T140512Z-3f9a1c2b' } },
  })
  seedHealth(): { status: string; model_loaded: boolean; model_version: string | null } {
    const active = this.holder.active();
    return {
      status: 'healthy',
      model_loaded: active !== undefined,
      model_version: active?.artifact.metadata.version ?? null,
    };
  }

  @Get('ready')
  @HealthCheck()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "The seed's readiness route (same checks as /health/ready)." })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto })
  seedReady(): Promise<HealthCheckResult> {
    return this.health.ready();
  }
}
