// Bearer API tokens. A token is 32 random bytes (base64url) with a `gch_` prefix; only its SHA-256 is
// stored (a high-entropy secret needs no slow hash), looked up by that hash and compared in constant
// time. ADMIN_TOKEN (environment) is the platform administrator that issues the first tokens.
import { createHash, randomBytes } from 'node:crypto';
import { sameSecret } from '../bot/constant-time';
import type { Logger } from '../bot/logger';
import { GuichetError } from '../bot/errors';
import type { Scope, TokenStore } from './ports';
import type { Role } from './schemas';

export const TOKEN_PREFIX = 'gch_';
/** Printable ASCII without spaces (ADMIN_TOKEN may be any such string; issued tokens are base64url). */
const TOKEN_SHAPE = /^[\x21-\x7e]{16,400}$/;
const TOUCH_EVERY_MS = 60_000;

export interface Principal {
  /** null for ADMIN_TOKEN (not stored). */
  tokenId: string | null;
  role: Role;
  /** null: every tenant (platform administrator). */
  tenantId: string | null;
  authorityId: string | null;
  /** The agents row of an agent or supervisor token. */
  agentId: string | null;
  name: string | null;
  /** Set when the agent signed in to the console (cookie session) rather than sending a bearer token. */
  sessionId?: string;
  /** The teams the agent belongs to (loaded at authentication): an agent role with teams is team-scoped. */
  teamIds?: string[];
}

export const generateToken = (): string => `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

const RANK: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3 };
export const hasRole = (principal: Principal, min: Role): boolean => RANK[principal.role] >= RANK[min];

/** Who did it, for request events, transcripts and the audit log (never the token itself). */
export const actorOf = (p: Principal): string =>
  p.agentId ? `agent:${p.agentId}` : p.tokenId ? `token:${p.tokenId}` : 'admin';

/**
 * The scope a request runs in. `tenant` (a query parameter) picks a tenant for platform administrators;
 * for anyone else it must be their own tenant (another one is "not found", like any foreign object).
 */
export function scopeOf(principal: Principal, tenant?: string): Scope {
  if (principal.tenantId === null) return { tenantId: tenant ?? null, authorityId: null };
  if (tenant !== undefined && tenant !== principal.tenantId)
    throw new GuichetError('NOT_FOUND', `Unknown tenant ${tenant}`);
  const teams = teamsOf(principal);
  return { tenantId: principal.tenantId, authorityId: principal.authorityId, ...(teams ? { teams } : {}) };
}

/**
 * The team restriction of a principal: agents (role agent) who belong to teams work on their teams' requests;
 * supervisors and administrators see the whole tenant (or authority), and so does an agent in no team.
 */
export function teamsOf(principal: Principal): Scope['teams'] {
  if (principal.role !== 'agent' || !principal.teamIds || principal.teamIds.length === 0) return null;
  return { teamIds: principal.teamIds, agentId: principal.agentId };
}

/** The one tenant an operation needs (platform administrators must name it). */
export function tenantOf(principal: Principal, tenant?: string): string {
  const scope = scopeOf(principal, tenant);
  if (scope.tenantId === null)
    throw new GuichetError('BAD_REQUEST', 'tenant: required for a platform administrator token');
  return scope.tenantId;
}

export function requireRole(principal: Principal, min: Role): void {
  if (!hasRole(principal, min)) throw new GuichetError('FORBIDDEN', `This needs the ${min} role`);
}

export interface AuthenticatorOptions {
  store: TokenStore;
  /** ADMIN_TOKEN: a platform administrator over every tenant. */
  adminToken?: string;
  logger?: Logger;
  clock?: () => Date;
}

export class Authenticator {
  private readonly adminHash: Buffer | undefined;
  private readonly touched = new Map<string, number>();

  constructor(private readonly options: AuthenticatorOptions) {
    this.adminHash = options.adminToken ? Buffer.from(hashToken(options.adminToken), 'hex') : undefined;
  }

  /** The principal of an `Authorization: Bearer …` header value, or null (unknown, revoked, expired). */
  async authenticate(header: string | undefined): Promise<Principal | null> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    return token ? this.fromToken(token) : null;
  }

  async fromToken(token: string): Promise<Principal | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const hash = hashToken(token);
    const digest = Buffer.from(hash, 'hex');
    if (this.adminHash && sameSecret(digest, this.adminHash)) {
      return {
        tokenId: null,
        role: 'admin',
        tenantId: null,
        authorityId: null,
        agentId: null,
        name: 'ADMIN_TOKEN',
      };
    }
    const stored = await this.options.store.findTokenByHash(hash);
    if (!stored || !sameSecret(Buffer.from(stored.tokenHash, 'hex'), digest)) return null;
    const now = this.options.clock?.() ?? new Date();
    if (stored.revokedAt || (stored.expiresAt && stored.expiresAt <= now)) return null;
    this.touch(stored.id);
    return {
      tokenId: stored.id,
      role: stored.role,
      tenantId: stored.tenantId,
      authorityId: stored.authorityId,
      agentId: stored.agentId,
      name: stored.name,
      teamIds: stored.teamIds ?? [],
    };
  }

  /** last_used_at, at most once a minute per token, off the request path. */
  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.touched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(id, now);
    if (this.touched.size > 10_000) this.touched.clear();
    this.options.store
      .touchToken(id)
      .catch((error: unknown) => this.options.logger?.warn('token touch failed', { error: String(error) }));
  }
}
