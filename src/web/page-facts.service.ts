import { Inject, Injectable } from '@nestjs/common';
import { ModelHolder } from '../classifier/model-holder.service';
import { httpConfig, type HttpConfig } from '../http/http.config';
import { HealthService } from '../health/health.service';

/** The "System" sidebar every page shows, as in the seed's sidebar: model version, pod, health, runtime. */
@Injectable()
export class PageFacts {
  constructor(
    private readonly holder: ModelHolder,
    private readonly health: HealthService,
    @Inject(httpConfig.KEY) private readonly http: HttpConfig,
  ) {}

  facts(): Record<string, unknown> {
    const active = this.holder.active();
    return {
      modelVersion: active?.artifact.metadata.version ?? 'none loaded',
      algorithm: active?.artifact.metadata.algorithm ?? '–',
      pod: this.http.podName,
      ready: this.health.isReady(),
      uptime: formatUptime(process.uptime()),
      node: process.version,
      pid: process.pid,
    };
  }
}

function formatUptime(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}
