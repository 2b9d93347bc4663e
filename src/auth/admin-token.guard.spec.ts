import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { SecretsService } from '../config/secrets.service';
import { AdminTokenGuard, sameSecret } from './admin-token.guard';

const contextWith = (authorization?: string) =>
  ({
    switchToHttp: () => ({ getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }) }),
  }) as unknown as ExecutionContext;

describe(AdminTokenGuard.name, () => {
  it('should let the right bearer token through and read the secret per request', () => {
    const secrets = new SecretsService({ ADMIN_API_TOKEN: 'first' });
    const guard = new AdminTokenGuard(secrets);
    expect(guard.canActivate(contextWith('Bearer first'))).toBe(true);
    secrets.set('ADMIN_API_TOKEN', 'rotated');
    expect(() => guard.canActivate(contextWith('Bearer first'))).toThrow(ForbiddenException);
    expect(guard.canActivate(contextWith('bearer rotated'))).toBe(true);
  });

  it('should answer 401 without a header, 403 for a wrong token or none configured', () => {
    const guard = new AdminTokenGuard(new SecretsService({ ADMIN_API_TOKEN: 'tok' }));
    expect(() => guard.canActivate(contextWith())).toThrow(UnauthorizedException);
    expect(() => guard.canActivate(contextWith('Token tok'))).toThrow(UnauthorizedException);
    expect(() => guard.canActivate(contextWith('Bearer tok2'))).toThrow(ForbiddenException);
    const disabled = new AdminTokenGuard(new SecretsService({}));
    expect(() => disabled.canActivate(contextWith('Bearer anything'))).toThrow('ADMIN_API_TOKEN is not configured');
  });

  it('should compare secrets of different lengths', () => {
    expect(sameSecret('a', 'a')).toBe(true);
    expect(sameSecret('a', 'ab')).toBe(false);
  });
});
