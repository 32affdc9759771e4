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
  /** The agent's teams, read with the session so the principal is team-scoped. */
  teamIds: string[];
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

/** An agent as administrators see it in the console (never a password hash). */
export interface AgentView {
  id: string;
  tenantId: string;
  name: string;
  email: string | null;
  role: Role;
  authorityId: string | null;
  /** How the agent signs in: an identity provider, a password, or not yet (invitation pending). */
  signIn: 'oidc' | 'password' | 'invited';
  disabledAt: string | null;
  lastSignInAt: string | null;
  createdAt: string;
}

export interface NewInvitedAgent {
  tenantId: string;
  name: string;
  email: string;
  role: Role;
  authorityId: string | null;
  invitationHash: string;
  createdBy: string;
  now: Date;
  expiresAt: Date;
}

export interface PasswordAccount {
  agent: SessionAgent;
  passwordHash: string;
  lockedUntil: Date | null;
}

/** The scope of an administrator: one tenant (null = every tenant) and optionally one authority. */
export interface AgentScope {
  tenantId: string | null;
  authorityId: string | null;
}

export interface AgentDirectory {
  createInvitedAgent(agent: NewInvitedAgent): Promise<AgentView>;
  listAgents(scope: AgentScope): Promise<AgentView[]>;
  /** Disabling also ends the agent's sessions. Null when the agent is outside the scope. */
  setDisabled(scope: AgentScope, id: string, disabled: boolean, now: Date): Promise<AgentView | null>;
  setRole(scope: AgentScope, id: string, role: Role, now: Date): Promise<AgentView | null>;
  /** A new one-time link (earlier unused ones stop working). Null when the agent is outside the scope. */
  reinvite(
    scope: AgentScope,
    id: string,
    invitation: { hash: string; createdBy: string; now: Date; expiresAt: Date },
  ): Promise<AgentView | null>;
  /** Sets the password of a valid, unused invitation's agent and uses it up; null when it cannot. */
  acceptInvitation(hash: string, passwordHash: string, now: Date): Promise<SessionAgent | null>;
  /** Enabled agents with a password and this email (any tenant). */
  findPasswordAccounts(email: string): Promise<PasswordAccount[]>;
  /** Counts a failure; the account is locked for `lockMs` once `maxFailures` are reached. */
  recordFailure(agentId: string, now: Date, maxFailures: number, lockMs: number): Promise<void>;
  recordSuccess(agentId: string, now: Date): Promise<void>;
}
