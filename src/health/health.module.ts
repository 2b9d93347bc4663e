import { Global, Module, Optional, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { FastifyInstance } from 'fastify';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { ReadinessRegistry } from './readiness.registry';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [HealthService, ReadinessRegistry],
  exports: [HealthService, ReadinessRegistry],
})
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  /**
   * While draining for shutdown every response says `Connection: close`, so keep-alive clients open their next
   * request on another pod instead of sending it on a connection this one is about to close.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost?.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (typeof fastify?.addHook !== 'function') return;
    const registry = this.registry;
    fastify.addHook('onRequest', (_request, reply, done) => {
      if (registry.draining() !== undefined) reply.header('connection', 'close');
      done();
    });
  }
}
