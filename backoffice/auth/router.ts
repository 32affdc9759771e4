// /auth: what the console's sign-in page needs before anyone is signed in (which ways to sign in), and
// the OpenID Connect redirects. Everything else about sessions is in /api/v1 (backoffice/api/auth-session.ts).
import { Router } from 'express';
import helmet from 'helmet';
import type { OidcSignIn } from './oidc';

export function createAuthRouter(options: {
  oidc?: OidcSignIn;
  oidcProviderName?: string;
  /** POST /auth/password (sign in) and /auth/invitation (set a password from a one-time link). */
  password?: Router;
}): Router {
  const router = Router();
  router.use(helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"] } } }));
  router.get('/options', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({
      oidc: options.oidc ? { name: options.oidcProviderName ?? null, loginUrl: '/auth/oidc/login' } : null,
      password: Boolean(options.password),
    });
  });
  if (options.oidc) router.use(options.oidc.router());
  if (options.password) router.use(options.password);
  return router;
}
