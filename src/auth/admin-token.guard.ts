import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SecretsService } from '../config/secrets.service';
import { ADMIN_TOKEN_SECRET, sameSecret } from '../http/admin-credentials';

export { ADMIN_TOKEN_SECRET, sameSecret } from '../http/admin-credentials';

/**
 * Admin routes need `Authorization: Bearer <ADMIN_API_TOKEN>`. The token is read per request (so a rotated secret
 * applies at once) and compared in constant time. Missing header → 401; wrong token → 403; no token configured →
 * 403 (admin routes are disabled, never open).
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly secrets: SecretsService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    const expected = this.secrets.get(ADMIN_TOKEN_SECRET);
    if (header === undefined || header === '') {
      throw new UnauthorizedException('admin route: send Authorization: Bearer <ADMIN_API_TOKEN>');
    }
    if (expected === undefined)
      throw new ForbiddenException('admin routes are disabled: ADMIN_API_TOKEN is not configured');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthorizedException('Authorization header must be "Bearer <token>"');
    if (!sameSecret(match[1], expected)) throw new ForbiddenException('admin token is not valid');
    return true;
  }
}

