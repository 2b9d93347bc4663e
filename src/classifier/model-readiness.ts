import { Injectable, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry, type DependencyState } from '../health/readiness.registry';
import { ModelHolder } from './model-holder.service';
import { ModelLoader } from './model-loader.service';

/** Registers serving's readiness condition `model`: a model is loaded (its version and source), or why not. */
@Injectable()
export class ModelReadiness implements OnModuleInit, OnModuleDestroy {
  private unregister?: () => void;

  constructor(
    private readonly holder: ModelHolder,
    private readonly loader: ModelLoader,
    @Optional() private readonly registry?: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.unregister = this.registry?.registerCondition({ name: 'model', state: () => this.state() });
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }

  state(): DependencyState {
    const active = this.holder.active();
    const failure = this.loader.failure();
    if (!active) return { up: false, details: { message: failure ?? 'no model loaded yet' } };
    return {
      up: true,
      details: {
        version: active.artifact.metadata.version,
        algorithm: active.artifact.metadata.algorithm,
        source: active.source,
        loaded_at: active.loadedAt.toISOString(),
        ...(failure ? { last_load_failure: failure } : {}),
      },
    };
  }
}
