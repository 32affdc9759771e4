// Embedded sign-in, without an identity provider: an administrator invites an agent (a one-time link,
// expiring), the agent sets a password there and is signed in; afterwards email + password. Passwords are
// scrypt hashes (passwords.ts); 5 failures lock the account 15 minutes; an unknown email costs the same
// time as a wrong password. JSON bodies only, from the console's own origin (no cross-site sign-in).
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { hashToken } from '../auth';
import { invalid } from '../api/route';
import type { BackofficeStore } from '../ports';
import { DUMMY_HASH, MIN_PASSWORD_LENGTH, hashPassword, verifyPassword } from './passwords';
import type { AgentDirectory, SessionAgent } from './ports';
import type { SessionManager } from './sessions';

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;

const SignInBody = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1000),
});

const AcceptInvitationBody = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'not an invitation link'),
  password: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(1000),
});

export interface PasswordSignInDeps {
  directory: AgentDirectory;
  sessions: SessionManager;
  backoffice: Pick<BackofficeStore, 'audit'>;
  publicUrl: string;
  clock: () => Date;
}

export function passwordRoutes(deps: PasswordSignInDeps): Router {
  const router = Router();
  const origin = new URL(deps.publicUrl).origin;
  router.use(['/password', '/invitation'], express.json({ limit: '8kb' }), (req, _res, next) => {
    const from = req.get('origin');
    if (from !== undefined && from !== origin && from !== `${req.protocol}://${req.get('host')}`)
      throw new GuichetError('FORBIDDEN', 'Cross-origin request refused');
    if (!req.is('application/json'))
      throw new GuichetError('UNSUPPORTED_MEDIA_TYPE', 'Send a JSON body (Content-Type: application/json)');
    next();
  });

  const parse = <T extends z.ZodType>(schema: T, req: Request): z.output<T> => {
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalid('body', parsed.error);
    return parsed.data;
  };

  const opened = async (req: Request, res: express.Response, agent: SessionAgent): Promise<void> => {
    const session = await deps.sessions.open(res, req, agent, 'password');
    await deps.backoffice.audit({
      tenantId: agent.tenantId,
      actor: `agent:${agent.agentId}`,
      action: 'session.open',
      targetType: 'agent_session',
      targetId: session.sessionId,
      details: { method: 'password', role: agent.role },
    });
    res.set('Cache-Control', 'no-store').json({ ok: true, name: agent.name });
  };

  router.post('/password', async (req, res) => {
    const body = parse(SignInBody, req);
    const now = deps.clock();
    const accounts = await deps.directory.findPasswordAccounts(body.email);
    if (accounts.length === 0) {
      await verifyPassword(body.password, DUMMY_HASH);
      throw new GuichetError('UNAUTHORIZED', 'Adresse ou mot de passe incorrect.');
    }
    for (const account of accounts) {
      if (account.lockedUntil && account.lockedUntil > now) continue;
      if (await verifyPassword(body.password, account.passwordHash)) {
        await deps.directory.recordSuccess(account.agent.agentId, now);
        return opened(req, res, account.agent);
      }
    }
    for (const account of accounts)
      await deps.directory.recordFailure(account.agent.agentId, now, MAX_FAILURES, LOCK_MS);
    const locked = accounts.every((a) => a.lockedUntil && a.lockedUntil > now);
    throw locked
      ? new GuichetError(
          'RATE_LIMITED',
          'Trop d’essais : ce compte est verrouillé pendant 15 minutes. Réessayez plus tard ou demandez un nouveau lien à un administrateur.',
        )
      : new GuichetError('UNAUTHORIZED', 'Adresse ou mot de passe incorrect.');
  });

  router.post('/invitation', async (req, res) => {
    const body = parse(AcceptInvitationBody, req);
    const agent = await deps.directory.acceptInvitation(
      hashToken(body.token),
      await hashPassword(body.password),
      deps.clock(),
    );
    if (!agent)
      throw new GuichetError(
        'NOT_FOUND',
        'Ce lien d’invitation n’est plus valable (déjà utilisé ou expiré). Demandez-en un nouveau à un administrateur.',
      );
    return opened(req, res, agent);
  });
  return router;
}
