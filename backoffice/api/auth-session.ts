// /api/v1/session: the console's own session (people signed in with a cookie): its CSRF token and end,
// sign-out, and "sign out everywhere" (every session of the agent, on every device).
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { actorOf, type Principal } from '../auth';
import type { SessionManager } from '../auth/sessions';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

const SessionViewSchema = z.object({
  signedInWith: z.enum(['session', 'token']),
  /** Send it back in X-CSRF-Token with every POST/DELETE made with the session cookie. */
  csrfToken: z.string().nullable(),
  idleMinutes: z.number().int().nullable(),
});

function sessionOf(principal: Principal): string {
  if (!principal.sessionId)
    throw new GuichetError('BAD_REQUEST', 'This needs a console session (a bearer token has none)');
  return principal.sessionId;
}

export function sessionRoutes(deps: ApiDeps & { sessions?: SessionManager }): AnyRoute[] {
  const sessions = deps.sessions;
  if (!sessions) return [];
  return [
    route({
      method: 'get',
      path: '/session',
      operationId: 'getSession',
      summary: 'The caller’s console session: its CSRF token (to echo in X-CSRF-Token) and idle timeout',
      tag: 'session',
      minRole: 'agent',
      response: SessionViewSchema,
      async handle({ res, principal }) {
        if (!principal.sessionId)
          return { signedInWith: 'token' as const, csrfToken: null, idleMinutes: null };
        return {
          signedInWith: 'session' as const,
          csrfToken: (res.locals.csrfToken as string | null) ?? null,
          idleMinutes: Math.round(sessions.idleMs / 60_000),
        };
      },
    }),
    route({
      method: 'post',
      path: '/session/sign-out',
      operationId: 'signOut',
      summary: 'Sign out of this console session (its cookie is cleared)',
      tag: 'session',
      minRole: 'agent',
      response: z.object({ ok: z.literal(true) }),
      async handle({ res, principal }) {
        const sessionId = sessionOf(principal);
        await sessions.revoke(sessionId);
        sessions.clearCookie(res);
        await deps.store.audit({
          tenantId: principal.tenantId,
          actor: actorOf(principal),
          action: 'session.close',
          targetType: 'agent_session',
          targetId: sessionId,
        });
        return { ok: true as const };
      },
    }),
    route({
      method: 'post',
      path: '/session/sign-out-everywhere',
      operationId: 'signOutEverywhere',
      summary: 'Sign out of every console session of the signed-in agent, on every device',
      tag: 'session',
      minRole: 'agent',
      response: z.object({ ok: z.literal(true), closed: z.number().int() }),
      async handle({ res, principal }) {
        sessionOf(principal);
        const agentId = principal.agentId;
        if (!agentId) throw new GuichetError('BAD_REQUEST', 'No agent behind this session');
        const closed = await sessions.revokeAll(agentId);
        sessions.clearCookie(res);
        await deps.store.audit({
          tenantId: principal.tenantId,
          actor: actorOf(principal),
          action: 'session.close_all',
          targetType: 'agent',
          targetId: agentId,
          details: { closed },
        });
        return { ok: true as const, closed };
      },
    }),
  ];
}
