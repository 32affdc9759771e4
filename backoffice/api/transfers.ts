// Several actors, one territory: a request handed to another authority of the tenant (a commune, the
// intercommunalité, a partner such as the water utility), with the citizen and its followers told who handles
// it now, and the territory's open requests as every actor may see them (what, where, who — no personal data).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { actorOf, scopeOf, tenantOf } from '../auth';
import { placeIsPublic } from '../anonymise';
import { tellCitizens, transferNotice } from '../citizen';
import { IdParams, RequestDetailViewSchema, RequestStatusSchema, TenantQuery } from '../schemas';
import type { ApiDeps } from './deps';
import { withoutContact } from './request-view';
import { route, type AnyRoute } from './route';

const notFound = (id: string) => new GuichetError('NOT_FOUND', `No request ${id}`);

export const TransferBody = z.strictObject({
  authorityId: z.string().trim().min(1).max(64).meta({ description: 'An authority of the same territory' }),
  reason: z
    .string()
    .trim()
    .min(1, 'say why the request is transferred')
    .max(1000)
    .meta({ description: 'Why (for the agents and the receiving authority; never sent to the citizen)' }),
  /** Tell the citizen and the followers who handles it now (default true). */
  notify: z.boolean().default(true),
});

/** "west,south,east,north" in degrees (longitude, latitude), as OGC and GeoJSON write a bounding box. */
const Bbox = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const parts = value.split(',').map((p) => Number(p.trim()));
    const [west, south, east, north] = parts as [number, number, number, number];
    const valid =
      parts.length === 4 &&
      parts.every((n) => Number.isFinite(n)) &&
      west >= -180 &&
      east <= 180 &&
      south >= -90 &&
      north <= 90 &&
      west <= east &&
      south <= north;
    if (!valid) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be "west,south,east,north" in degrees (e.g. 6.0,47.0,6.2,47.2)',
      });
      return z.NEVER;
    }
    return { west, south, east, north };
  });

export const OpenRequestsQuery = TenantQuery.extend({
  bbox: Bbox.optional().meta({ description: 'west,south,east,north (longitude, latitude)' }),
  commune: z.string().max(64).optional().meta({ description: 'A commune id of the territory' }),
  category: z.string().max(64).optional().meta({ description: 'An incident category id' }),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const TerritoryRequestViewSchema = z.object({
  reference: z.string(),
  type: z.string(),
  category: z.string().nullable(),
  communeId: z.string().nullable(),
  /** Who handles it. */
  authorityId: z.string(),
  status: RequestStatusSchema,
  createdAt: z.string(),
  /** Only for requests whose place is public space (an incident), never a person's home. */
  location: z.object({ lat: z.number(), lon: z.number() }).nullable(),
  address: z.string().nullable(),
});

export function transferRoutes(deps: ApiDeps): AnyRoute[] {
  const territoryOf = (tenantId: string) => deps.territories.current().get(tenantId);

  return [
    route({
      method: 'post',
      path: '/requests/{id}/transfer',
      operationId: 'transferRequest',
      summary:
        'Hand the request to another authority of the territory (a commune, the intercommunalité, a partner)',
      description:
        'The request leaves its team and agent and takes the new authority’s routing rules (one of its own teams, ' +
        'or none). In one transaction: a "transfer" event in the timeline (details: from, to, reason), an audit ' +
        'entry, an outbox "request.transferred" for webhooks (the receiving authority’s and the former one’s: a ' +
        'partner without agents is reached this way), and a notice to the citizen and each follower, on their ' +
        'channel and in their language, naming who handles it now (the reason is not sent to them). ' +
        '`visible`: whether the caller still sees the request (an agent of the former authority does not).',
      tag: 'requests',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      body: TransferBody,
      response: RequestDetailViewSchema.extend({ visible: z.boolean() }),
      async handle({ params, query, body, principal }) {
        const scope = scopeOf(principal, query.tenant);
        const before = await deps.store.getRequestByReference(scope, params.id);
        if (!before) throw notFound(params.id);
        const authorities = territoryOf(before.tenantId)?.authorities ?? [];
        const target = authorities.find((a) => a.id === body.authorityId);
        if (!target)
          throw new GuichetError(
            'BAD_REQUEST',
            `authorityId: "${body.authorityId}" is not an authority of this territory`,
          );
        if (target.id === before.authorityId)
          throw new GuichetError(
            'BAD_REQUEST',
            `authorityId: the request is already handled by ${target.name}`,
          );
        const updated = await deps.store.changeRequestStatus(scope, before.id, async (ctx) => {
          const { request } = ctx;
          // Checked again on the locked row: another agent may have moved or closed it meanwhile.
          if (request.authorityId === target.id)
            throw new GuichetError(
              'CONFLICT',
              `The request ${request.reference} is already handled by ${target.name}`,
            );
          if (request.status === 'resolved' || request.status === 'rejected')
            throw new GuichetError(
              'CONFLICT',
              `The request ${request.reference} is closed: reopen it before transferring it`,
            );
          const from = request.authorityId;
          const notices = body.notify
            ? await tellCitizens(deps.conversations, ctx, (follower) =>
                transferNotice(request, target.name, follower),
              )
            : { messages: [], followerMessages: [], outbox: [] };
          return {
            status: request.status,
            kind: 'transfer' as const,
            note: body.reason,
            details: { from, to: target.id, reason: body.reason },
            transfer: { authorityId: target.id },
            // The reason stays in the event (erasure can clear it there), not in the audit log.
            audit: {
              action: 'request.transfer',
              details: { reference: request.reference, from, to: target.id },
            },
            actor: actorOf(principal),
            messages: notices.messages,
            followerMessages: notices.followerMessages,
            outbox: [
              ...notices.outbox,
              {
                kind: 'request.transferred',
                payload: {
                  tenantId: request.tenantId,
                  requestId: request.id,
                  reference: request.reference,
                  type: request.type,
                  // The receiving authority's webhooks get it; previousAuthorityId reaches the former one's.
                  authorityId: target.id,
                  previousAuthorityId: from,
                  from,
                  to: target.id,
                  reason: body.reason,
                },
                dedupeKey: `request.transferred:${request.id}:${randomUUID()}`,
              },
            ],
          };
        });
        if (!updated) throw notFound(params.id);
        const visible = (await deps.store.getRequest(scope, updated.id)) !== null;
        return { ...withoutContact(updated), visible };
      },
    }),
    route({
      method: 'get',
      path: '/territory/open-requests',
      operationId: 'listTerritoryOpenRequests',
      summary: 'Every open request of the territory, whatever the authority: what, where, who handles it',
      description:
        'Read-only, for the agents of every authority of the tenant (so that each actor sees what is happening on ' +
        'a street). Reference, type, category, commune, authority, status, creation date, and the place of ' +
        'requests whose place is public space (incidents); never a description, a contact or a conversation. ' +
        'Newest first; `truncated` says there were more than `limit`.',
      tag: 'requests',
      minRole: 'agent',
      query: OpenRequestsQuery,
      response: z.object({ items: z.array(TerritoryRequestViewSchema), truncated: z.boolean() }),
      async handle({ query, principal }) {
        const tenantId = tenantOf(principal, query.tenant);
        const territory = territoryOf(tenantId);
        if (query.commune && !territory?.communes.some((c) => c.id === query.commune))
          throw new GuichetError('BAD_REQUEST', `commune: no commune "${query.commune}" in this territory`);
        const categories = new Set(deps.requestTypes.flatMap((t) => Object.keys(t.categories ?? {})));
        if (query.category && !categories.has(query.category))
          throw new GuichetError('BAD_REQUEST', `category: no incident category "${query.category}"`);
        // A box looks at places: only the requests whose place may be shown (else the box would reveal it).
        const types = query.bbox ? deps.requestTypes.map((t) => t.type).filter(placeIsPublic) : undefined;
        const found = await deps.store.listOpenRequests(tenantId, {
          bbox: query.bbox,
          commune: query.commune,
          category: query.category,
          types,
          limit: query.limit,
        });
        return {
          items: found.items.map((r) =>
            placeIsPublic(r.type) ? r : { ...r, location: null, address: null },
          ),
          truncated: found.truncated,
        };
      },
    }),
  ];
}
