// OpenID Connect sign-in for agents (authorization code + PKCE + nonce) with any standard provider:
// ProConnect, a commune's Keycloak, LemonLDAP::NG, Entra ID. The protocol is `openid-client`'s (certified);
// this file only keeps the sign-in state server-side (any instance finishes what another started), binds
// it to the browser with a short-lived cookie, maps the claims to an agent and opens a console session.
import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type * as OpenIdClient from 'openid-client';
import type { Logger } from '../../bot/logger';
import { hashToken } from '../auth';
import type { BackofficeStore } from '../ports';
import { mapClaims, type ClaimMapping, type Claims } from './claims';
import type { AgentSessionStore } from './ports';
import { readCookie, type SessionManager } from './sessions';

export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
const PENDING_COOKIE = 'guichet_oidc';
const PENDING_TTL_MS = 10 * 60_000;
const CONSOLE = '/console';

export interface OidcSettings extends ClaimMapping {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scopes: string;
  /** Shown on the sign-in button ("Se connecter avec …"). */
  providerName: string;
  /** PUBLIC_URL; the redirect URL registered at the provider is PUBLIC_URL + /auth/oidc/callback. */
  publicUrl: string;
}

export interface OidcDeps {
  settings: OidcSettings;
  sessions: SessionManager;
  store: AgentSessionStore;
  backoffice: Pick<BackofficeStore, 'audit' | 'tenantExists'>;
  /** Whether an authority id exists in a tenant's territory. */
  authorityExists: (tenantId: string, authorityId: string) => boolean;
  logger: Logger;
  clock: () => Date;
}

/** A loopback issuer may be plain http (a provider on the same machine, tests); any other must be https. */
const isLoopback = (url: URL): boolean => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

export class OidcSignIn {
  private configuration: Promise<OpenIdClient.Configuration> | undefined;
  private readonly redirectUri: string;
  private readonly secure: boolean;

  constructor(private readonly deps: OidcDeps) {
    this.redirectUri = `${deps.settings.publicUrl}${OIDC_CALLBACK_PATH}`;
    this.secure = new URL(deps.settings.publicUrl).protocol === 'https:';
  }

  /** openid-client (ESM) is loaded, and the provider discovered, on the first sign-in; a failure is retried next time. */
  private async client(): Promise<{ lib: typeof OpenIdClient; config: OpenIdClient.Configuration }> {
    const lib = await import('openid-client');
    if (!this.configuration) {
      const issuer = new URL(this.deps.settings.issuer);
      this.configuration = lib.discovery(
        issuer,
        this.deps.settings.clientId,
        this.deps.settings.clientSecret,
        undefined,
        isLoopback(issuer) && issuer.protocol === 'http:' ? { execute: [lib.allowInsecureRequests] } : {},
      );
      this.configuration.catch(() => {
        this.configuration = undefined;
      });
    }
    return { lib, config: await this.configuration };
  }

  router(): Router {
    const router = Router();
    router.get('/oidc/login', (req, res) => this.start(req, res));
    router.get('/oidc/callback', (req, res) => this.finish(req, res));
    return router;
  }

  private async start(req: Request, res: Response): Promise<void> {
    let lib: typeof OpenIdClient;
    let config: OpenIdClient.Configuration;
    try {
      ({ lib, config } = await this.client());
    } catch (error) {
      this.deps.logger.error('OpenID provider unreachable', { error: String(error) });
      res.redirect(303, `${CONSOLE}?connexion=indisponible`);
      return;
    }
    const id = randomBytes(32).toString('base64url');
    const codeVerifier = lib.randomPKCECodeVerifier();
    const state = lib.randomState();
    const nonce = lib.randomNonce();
    await this.deps.store.savePendingSignIn({
      idHash: hashToken(id),
      state,
      nonce,
      codeVerifier,
      returnTo: CONSOLE,
      expiresAt: new Date(this.deps.clock().getTime() + PENDING_TTL_MS),
    });
    res.cookie(PENDING_COOKIE, id, {
      httpOnly: true,
      secure: this.secure,
      // Lax: the provider's redirect back is a top-level GET navigation, which carries it.
      sameSite: 'lax',
      path: '/auth/oidc',
      maxAge: PENDING_TTL_MS,
    });
    const url = lib.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.deps.settings.scopes,
      code_challenge: await lib.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    res.set('Cache-Control', 'no-store').redirect(303, url.href);
  }

  private async finish(req: Request, res: Response): Promise<void> {
    res.set('Cache-Control', 'no-store');
    res.clearCookie(PENDING_COOKIE, {
      httpOnly: true,
      secure: this.secure,
      sameSite: 'lax',
      path: '/auth/oidc',
    });
    const fail = (reason: string, detail?: unknown): void => {
      this.deps.logger.warn('OpenID sign-in refused', { reason, error: detail ? String(detail) : undefined });
      res.redirect(303, `${CONSOLE}?connexion=${reason}`);
    };
    const id = readCookie(req.get('cookie'), PENDING_COOKIE);
    const pending = id ? await this.deps.store.takePendingSignIn(hashToken(id), this.deps.clock()) : null;
    if (!pending) return fail('expiree');
    if (typeof req.query.error === 'string') return fail('annulee', req.query.error);

    let claims: Claims;
    try {
      const { lib, config } = await this.client();
      const current = new URL(req.originalUrl, this.deps.settings.publicUrl);
      const tokens = await lib.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims() as Claims | undefined;
      if (!idClaims) return fail('echec', 'no ID token');
      claims = { ...idClaims };
      // Many providers (ProConnect among them) put the profile in the userinfo answer only.
      if (config.serverMetadata().userinfo_endpoint) {
        const info = await lib.fetchUserInfo(config, tokens.access_token, String(idClaims.sub));
        claims = { ...info, ...idClaims };
      }
    } catch (error) {
      return fail('echec', error);
    }

    const mapped = mapClaims(claims, this.deps.settings);
    if (!mapped.ok) return fail('refusee', mapped.reason);
    if (!(await this.deps.backoffice.tenantExists(mapped.tenantId)))
      return fail('refusee', `unknown tenant ${mapped.tenantId}`);
    if (mapped.authorityId && !this.deps.authorityExists(mapped.tenantId, mapped.authorityId))
      return fail('refusee', `unknown authority ${mapped.authorityId}`);
    const agent = await this.deps.store.upsertOidcAgent(
      {
        tenantId: mapped.tenantId,
        issuer: this.deps.settings.issuer,
        subject: mapped.subject,
        name: mapped.name,
        email: mapped.email,
        role: mapped.role,
        authorityId: mapped.authorityId,
      },
      this.deps.clock(),
    );
    if (!agent) return fail('desactive');
    const session = await this.deps.sessions.open(res, req, agent, 'oidc');
    await this.deps.backoffice.audit({
      tenantId: agent.tenantId,
      actor: `agent:${agent.agentId}`,
      action: 'session.open',
      targetType: 'agent_session',
      targetId: session.sessionId,
      details: { method: 'oidc', issuer: this.deps.settings.issuer, role: agent.role },
    });
    res.redirect(303, pending.returnTo);
  }
}
