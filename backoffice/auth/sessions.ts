// Console sessions for people: a random cookie id (only its SHA-256 is stored), server-side in the shared
// store, with idle and absolute timeouts. The cookie is httpOnly, SameSite=Lax and Secure (with the
// __Host- prefix) when the public URL is https. State-changing requests made with the cookie must carry
// the session's synchronizer token (X-CSRF-Token) and, when the browser sends one, a same-origin Origin.
import { randomBytes } from 'node:crypto';
import { sameSecret } from '../../bot/constant-time';
import type { Request, Response } from 'express';
import { GuichetError } from '../../bot/errors';
import { hashToken, type Authenticator, type Principal } from '../auth';
import type { AgentSessionStore, SessionAgent, SignInMethod } from './ports';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SessionSettings {
  /** PUBLIC_URL: its scheme decides Secure, its origin is the only one allowed to change state. */
  publicUrl: string;
  idleMinutes: number;
  absoluteHours: number;
}

export class SessionManager {
  readonly cookieName: string;
  private readonly secure: boolean;
  private readonly origin: string;

  constructor(
    private readonly store: AgentSessionStore,
    private readonly settings: SessionSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {
    const url = new URL(settings.publicUrl);
    this.secure = url.protocol === 'https:';
    this.origin = url.origin;
    this.cookieName = this.secure ? '__Host-guichet_session' : 'guichet_session';
  }

  get idleMs(): number {
    return this.settings.idleMinutes * 60_000;
  }

  /** Opens a session for the agent and sets its cookie. */
  async open(
    res: Response,
    req: Request,
    agent: SessionAgent,
    method: SignInMethod,
  ): Promise<{ sessionId: string }> {
    const id = randomBytes(32).toString('base64url');
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + this.settings.absoluteHours * 3_600_000);
    const created = await this.store.createSession({
      tokenHash: hashToken(id),
      csrfToken: randomBytes(32).toString('base64url'),
      agentId: agent.agentId,
      tenantId: agent.tenantId,
      method,
      now,
      expiresAt,
      ip: req.ip,
      userAgent: req.get('user-agent'),
    });
    res.cookie(this.cookieName, id, {
      httpOnly: true,
      secure: this.secure,
      sameSite: 'lax',
      path: '/',
      expires: expiresAt,
    });
    return created;
  }

  clearCookie(res: Response): void {
    res.clearCookie(this.cookieName, { httpOnly: true, secure: this.secure, sameSite: 'lax', path: '/' });
  }

  /** The principal of the request's session cookie (null: none, expired, revoked, agent disabled). */
  async principalOf(req: Request): Promise<{ principal: Principal; csrfToken: string } | null> {
    const id = readCookie(req.get('cookie'), this.cookieName);
    if (!id || !/^[A-Za-z0-9_-]{20,100}$/.test(id)) return null;
    const session = await this.store.findSession(hashToken(id), this.clock(), this.idleMs);
    if (!session) return null;
    return {
      csrfToken: session.csrfToken,
      principal: {
        tokenId: null,
        role: session.role,
        tenantId: session.tenantId,
        authorityId: session.authorityId,
        agentId: session.agentId,
        name: session.name,
        sessionId: session.sessionId,
        teamIds: session.teamIds,
      },
    };
  }

  /** Throws 403 unless a cookie-authenticated state change carries the CSRF token from the same origin. */
  checkCsrf(req: Request, csrfToken: string): void {
    if (SAFE_METHODS.has(req.method)) return;
    const origin = req.get('origin');
    if (origin !== undefined && origin !== this.origin && origin !== `${req.protocol}://${req.get('host')}`)
      throw new GuichetError('FORBIDDEN', 'Cross-origin request refused');
    const sent = req.get(CSRF_HEADER) ?? '';
    if (!sameSecret(sent, csrfToken))
      throw new GuichetError('FORBIDDEN', 'Missing or wrong X-CSRF-Token header');
  }

  revoke(sessionId: string): Promise<void> {
    return this.store.revokeSession(sessionId, this.clock());
  }

  revokeAll(agentId: string): Promise<number> {
    return this.store.revokeAgentSessions(agentId, this.clock());
  }
}

/**
 * Who makes an /api/v1 request: a bearer token (machines, ADMIN_TOKEN) when the Authorization header is
 * there, else the console's session cookie (people), CSRF-checked. Null when neither is valid.
 */
export async function authenticateRequest(
  req: Request,
  auth: Authenticator,
  sessions: SessionManager | undefined,
): Promise<{ principal: Principal; csrfToken: string | null } | null> {
  const header = req.get('authorization');
  if (header !== undefined) {
    const principal = await auth.authenticate(header);
    return principal ? { principal, csrfToken: null } : null;
  }
  const session = sessions ? await sessions.principalOf(req) : null;
  if (!session) return null;
  sessions?.checkCsrf(req, session.csrfToken);
  return session;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
