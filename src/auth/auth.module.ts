import { Module } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard';

/** Provides `AdminTokenGuard`; `SecretsService` comes from the global secrets/vault module. */
@Module({ providers: [AdminTokenGuard], exports: [AdminTokenGuard] })
export class AuthModule {}
