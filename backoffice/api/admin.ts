// /api/v1/me, /tokens (administrators), /webhooks (territory URLs per event, with their deliveries).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { vetWebhookUrl } from '../../adapters/outbox';
import { GuichetError } from '../../bot/errors';
import { actorOf, generateToken, hashToken, scopeOf, tenantOf } from '../auth';
import {
  CreateTokenBody,
  CreateWebhookBody,
  CreatedTokenSchema,
  CreatedWebhookSchema,
  DeliveryListQuery,
  DeliveryViewSchema,
  IdParams,
  MeViewSchema,
  TenantQuery,
  TokenViewSchema,
  WebhookViewSchema,
  pageOf,
} from '../schemas';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

const Ok = z.object({ ok: z.literal(true) });

export function adminRoutes(deps: ApiDeps): AnyRoute[] {
  /** The authority must exist in the tenant's territory (a typo would silently scope to nothing). */
  function assertAuthority(tenantId: string, authorityId: string | undefined): void {
    if (!authorityId) return;
    const territory = deps.territories.current().get(tenantId);
    if (territory && !territory.authorities.some((a) => a.id === authorityId)) {
      throw new GuichetError('BAD_REQUEST', `authorityId: no authority ${authorityId} in ${tenantId}`);
    }
  }

  async function assertTenant(tenantId: string): Promise<void> {
    if (!(await deps.store.tenantExists(tenantId)))
      throw new GuichetError('NOT_FOUND', `Unknown tenant ${tenantId}`);
  }

  return [
    route({
      method: 'get',
      path: '/me',
      operationId: 'me',
      summary: 'Who the token is: role, tenant, authority, and the tenants it may read',
      tag: 'admin',
      minRole: 'agent',
      response: MeViewSchema,
      async handle({ principal }) {
        return {
          tokenId: principal.tokenId,
          role: principal.role,
          tenantId: principal.tenantId,
          authorityId: principal.authorityId,
          agentId: principal.agentId,
          name: principal.name,
          teamIds: principal.teamIds ?? [],
          tenants: await deps.store.listTenants(scopeOf(principal)),
        };
      },
    }),
    route({
      method: 'post',
      path: '/tokens',
      operationId: 'createToken',
      summary: 'Issue an API token (administrators). The token is shown once.',
      description:
        'A tenant administrator issues tokens of its own tenant (and authority, when scoped). A platform administrator ' +
        '(ADMIN_TOKEN) names the tenant, or omits it for another platform administrator.',
      tag: 'admin',
      minRole: 'admin',
      body: CreateTokenBody,
      status: 201,
      response: CreatedTokenSchema,
      async handle({ body, principal }) {
        const tenantId = principal.tenantId ?? body.tenantId ?? null;
        if (
          principal.tenantId !== null &&
          body.tenantId !== undefined &&
          body.tenantId !== principal.tenantId
        ) {
          throw new GuichetError('NOT_FOUND', `Unknown tenant ${body.tenantId}`);
        }
        if (tenantId === null && body.role !== 'admin')
          throw new GuichetError('BAD_REQUEST', 'body.tenantId: required for this role');
        if (tenantId === null && body.authorityId)
          throw new GuichetError('BAD_REQUEST', 'body.authorityId: needs a tenantId');
        if (tenantId !== null) await assertTenant(tenantId);
        // A token never widens its issuer's scope.
        const authorityId = principal.authorityId ?? body.authorityId;
        if (principal.authorityId && body.authorityId && body.authorityId !== principal.authorityId) {
          throw new GuichetError(
            'FORBIDDEN',
            'An authority-scoped administrator issues tokens for its own authority only',
          );
        }
        if (tenantId !== null) assertAuthority(tenantId, authorityId);
        const token = generateToken();
        const created = await deps.store.createToken({
          tokenHash: hashToken(token),
          role: body.role,
          name: body.name,
          tenantId,
          authorityId,
        });
        await deps.store.audit({
          tenantId,
          actor: actorOf(principal),
          action: 'token.create',
          targetType: 'api_token',
          targetId: created.id,
          details: { role: body.role },
        });
        return { ...created, token };
      },
    }),
    route({
      method: 'get',
      path: '/tokens',
      operationId: 'listTokens',
      summary: 'List API tokens (never the tokens themselves)',
      tag: 'admin',
      minRole: 'admin',
      query: TenantQuery,
      response: z.object({ items: z.array(TokenViewSchema) }),
      async handle({ query, principal }) {
        return { items: await deps.store.listTokens(scopeOf(principal, query.tenant)) };
      },
    }),
    route({
      method: 'delete',
      path: '/tokens/{id}',
      operationId: 'revokeToken',
      summary: 'Revoke an API token',
      tag: 'admin',
      minRole: 'admin',
      params: IdParams,
      query: TenantQuery,
      response: Ok,
      async handle({ params, query, principal }) {
        const scope = scopeOf(principal, query.tenant);
        if (!(await deps.store.revokeToken(scope, params.id)))
          throw new GuichetError('NOT_FOUND', `No token ${params.id}`);
        await deps.store.audit({
          tenantId: scope.tenantId,
          actor: actorOf(principal),
          action: 'token.revoke',
          targetType: 'api_token',
          targetId: params.id,
        });
        return { ok: true as const };
      },
    }),
    route({
      method: 'post',
      path: '/webhooks',
      operationId: 'createWebhook',
      summary: 'Register a URL for events (request.created, request.status_changed, conversation.handover…)',
      description:
        'Each delivery is a JSON POST signed with HMAC-SHA256: X-Guichet-Signature: sha256=hex(HMAC(secret, ' +
        '"{X-Guichet-Timestamp}.{raw body}")), with X-Guichet-Delivery (the idempotency key, the same on every retry) ' +
        'and X-Guichet-Event. A 2xx answer acknowledges; anything else is retried with exponential backoff.',
      tag: 'webhooks',
      minRole: 'admin',
      body: CreateWebhookBody,
      status: 201,
      response: CreatedWebhookSchema,
      async handle({ body, principal }) {
        const tenantId = tenantOf(principal, body.tenantId);
        await assertTenant(tenantId);
        const authorityId = principal.authorityId ?? body.authorityId;
        assertAuthority(tenantId, authorityId);
        // A receiver on our own network is refused now, clearly, rather than probed by every delivery. A host
        // that does not resolve yet is accepted: each delivery checks it again after resolution.
        const vetted = await vetWebhookUrl(
          body.url,
          deps.webhookAddresses.policy,
          deps.webhookAddresses.resolve,
        );
        if (!vetted.ok && !vetted.unresolved)
          throw new GuichetError('BAD_REQUEST', `url: refused, ${vetted.reason}`);
        const secret = body.secret ?? randomBytes(32).toString('base64url');
        const created = await deps.store.createWebhook({
          tenantId,
          authorityId,
          url: body.url,
          events: body.events,
          secret,
        });
        await deps.store.audit({
          tenantId,
          actor: actorOf(principal),
          action: 'webhook.create',
          targetType: 'webhook',
          targetId: created.id,
          details: { url: body.url, events: body.events },
        });
        return { ...created, secret };
      },
    }),
    route({
      method: 'get',
      path: '/webhooks',
      operationId: 'listWebhooks',
      summary: 'List webhook subscriptions (without their secrets)',
      tag: 'webhooks',
      minRole: 'supervisor',
      query: TenantQuery,
      response: z.object({ items: z.array(WebhookViewSchema) }),
      async handle({ query, principal }) {
        return { items: await deps.store.listWebhooks(scopeOf(principal, query.tenant)) };
      },
    }),
    route({
      method: 'get',
      path: '/webhooks/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: 'Webhook deliveries: delivered, failed, or pending with their next attempt',
      tag: 'webhooks',
      minRole: 'supervisor',
      query: DeliveryListQuery,
      response: pageOf(DeliveryViewSchema),
      async handle({ query, principal }) {
        const { tenant, ...filter } = query;
        return deps.store.listDeliveries(scopeOf(principal, tenant), filter);
      },
    }),
    route({
      method: 'delete',
      path: '/webhooks/{id}',
      operationId: 'deleteWebhook',
      summary: 'Remove a webhook subscription (pending deliveries to it fail)',
      tag: 'webhooks',
      minRole: 'admin',
      params: IdParams,
      query: TenantQuery,
      response: Ok,
      async handle({ params, query, principal }) {
        const scope = scopeOf(principal, query.tenant);
        if (!(await deps.store.deleteWebhook(scope, params.id)))
          throw new GuichetError('NOT_FOUND', `No webhook ${params.id}`);
        await deps.store.audit({
          tenantId: scope.tenantId,
          actor: actorOf(principal),
          action: 'webhook.delete',
          targetType: 'webhook',
          targetId: params.id,
        });
        return { ok: true as const };
      },
    }),
  ];
}
