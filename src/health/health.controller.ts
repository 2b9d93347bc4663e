import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { ErrorResponseDto } from '../http/error-response';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

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

  @Get('ready')
  @HealthCheck()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "The seed's readiness route (same checks as /health/ready)." })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto })
  seedReady(): Promise<HealthCheckResult> {
    return this.health.ready();
  }
}
