// Port: the people who sign in to the console (agents rows), their sessions, and the sign-ins in
// progress. The PostgreSQL/PGlite implementation is adapters/postgres/backoffice/agent-session-store.ts.
import type { Role } from '../schemas';

export type SignInMethod = 'oidc' | 'password';

/** An agent known by an identity provider: found by (tenant, issuer, subject), created on first sign-in. */
export interface OidcIdentity {
  tenantId: string;
  issuer: string;
  subject: string;
  name: string;
  email: string | null;
  role: Role;
  authorityId: string | null;
}

export interface SessionAgent {
  agentId: string;
  tenantId: string;
  name: string;
  role: Role;
  authorityId: string | null;
}

export interface NewSession {
  tokenHash: string;
  csrfToken: string;
  agentId: string;
  tenantId: string;
  method: SignInMethod;
  now: Date;
  expiresAt: Date;
  ip?: string;
  userAgent?: string;
}

export interface ActiveSession extends SessionAgent {
  sessionId: string;
  csrfToken: string;
  method: SignInMethod;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface PendingOidcSignIn {
  idHash: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  expiresAt: Date;
}

export interface AgentSessionStore {
  /**
   * Finds or creates the agent of an identity; its name, email, role and authority follow the provider's
   * claims at every sign-in. Null when the agent was disabled in the console (no sign-in).
   */
  upsertOidcAgent(identity: OidcIdentity, now: Date): Promise<SessionAgent | null>;
  createSession(session: NewSession): Promise<{ sessionId: string }>;
  /**
   * The session of a cookie: not revoked, before its absolute end, seen within `idleMs`, agent not
   * disabled. Refreshes last_seen_at (at most once a minute).
   */
  findSession(tokenHash: string, now: Date, idleMs: number): Promise<ActiveSession | null>;
  revokeSession(sessionId: string, now: Date): Promise<void>;
  /** Every open session of the agent ("sign out everywhere"); returns how many were open. */
  revokeAgentSessions(agentId: string, now: Date): Promise<number>;

  savePendingSignIn(pending: PendingOidcSignIn): Promise<void>;
  /** Returns and deletes it (a sign-in answer is used once); null when unknown or expired. */
  takePendingSignIn(idHash: string, now: Date): Promise<PendingOidcSignIn | null>;
}
