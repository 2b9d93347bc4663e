import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

export const JSON_MEDIA_TYPE = 'application/json';

/**
 * Accepts only a JSON body: a browser sends JSON to another origin only after a CORS preflight, which this service
 * never grants, so a page elsewhere cannot forge the request with a plain form (urlencoded, multipart, text/plain).
 * Anything else → 415 naming the accepted type.
 */
@Injectable()
export class JsonOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const given = request.headers['content-type'];
    if (mediaTypeOf(given) === JSON_MEDIA_TYPE) return true;
    throw new HttpException(
      {
        message: `unsupported Content-Type ${given ? JSON.stringify(given.slice(0, 100)) : '(none)'}; this route accepts ${JSON_MEDIA_TYPE} only`,
        details: { accepted: [JSON_MEDIA_TYPE] },
      },
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    );
  }
}

function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0].trim().toLowerCase();
}
