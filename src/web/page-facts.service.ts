import { Injectable } from '@nestjs/common';
import { ModelHolder } from '../classifier/model-holder.service';
import { operatingPointOf } from '../classifier/operating-point';
import { modelThresholdWords } from './threshold-words';
import { HealthService } from '../health/health.service';

/**
 * The "System" sidebar every page shows: model version, algorithm, the threshold it decides with, health, uptime. Pages are open to anyone, so no
 * host or pod name, process id or runtime version (operators find those in the logs and the admin's readiness).
 */
@Injectable()
export class PageFacts {
  constructor(
    private readonly holder: ModelHolder,
    private readonly health: HealthService,
  ) {}

  facts(): Record<string, unknown> {
    const active = this.holder.active();
    return {
      modelVersion: active?.artifact.metadata.version ?? 'none loaded',
      algorithm: active?.artifact.metadata.algorithm ?? '–',
      threshold: active && modelThresholdWords(operatingPointOf(active.artifact)),
      ready: this.health.isReady(),
      uptime: formatUptime(process.uptime()),
    };
  }
}

function formatUptime(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}
