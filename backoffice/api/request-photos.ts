// The photo a citizen sent with a request (web chat upload, MMS/WhatsApp), kept in the media store: agents of
// the request see it (each look in the audit log, like the contact reveal: a photo may show a person, a plate,
// a house); an agent may publish it, and only then is it served on a public surface (Open311's media_url).
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { MEDIA_KEY_PATTERN, mediaKeyOf } from '../../bot/ports';
import { actorOf, scopeOf } from '../auth';
import { IdParams, TenantQuery } from '../schemas';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

const PhotoParams = z.object({ id: z.string().min(1).max(100), photoId: z.string().min(16).max(64) });

const RequestPhotoSchema = z.object({
  id: z.string(),
  url: z.string(),
  published: z.boolean(),
});

/** The stored photo of a request payload, if it has one in the media store (an Open311 link has none). */
export function photoKeyOf(payload: Record<string, unknown>): string | null {
  const photo = payload.photo as { url?: unknown } | undefined;
  return typeof photo?.url === 'string' ? mediaKeyOf(photo.url) : null;
}

const photoIdOf = (key: string): string => key.slice(key.indexOf('/') + 1);

export const requestPhotoPath = (reference: string, photoId: string) =>
  `/api/v1/requests/${reference}/photos/${photoId}`;

export function requestPhotoRoutes(deps: ApiDeps): AnyRoute[] {
  const { media, mediaPublications } = deps;
  if (!media || !mediaPublications) return [];

  async function photoOf(principal: Parameters<typeof scopeOf>[0], tenant: string | undefined, id: string) {
    const request = await deps.store.getRequestByReference(scopeOf(principal, tenant), id);
    if (!request) throw new GuichetError('NOT_FOUND', `No request ${id}`);
    const key = photoKeyOf(request.payload);
    return { request, key: key && MEDIA_KEY_PATTERN.test(key) ? key : null };
  }

  return [
    route({
      method: 'get',
      path: '/requests/{id}/photos',
      operationId: 'listRequestPhotos',
      summary: 'The photos the citizen sent with a request, and whether each is published',
      tag: 'requests',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      response: z.object({ items: z.array(RequestPhotoSchema) }),
      async handle({ params, query, principal }) {
        const { request, key } = await photoOf(principal, query.tenant, params.id);
        if (!key) return { items: [] };
        const published = await mediaPublications.publishedAmong([key]);
        const photoId = photoIdOf(key);
        return {
          items: [
            { id: photoId, url: requestPhotoPath(request.reference, photoId), published: published.has(key) },
          ],
        };
      },
    }),
    route({
      method: 'get',
      path: '/requests/{id}/photos/{photoId}',
      operationId: 'getRequestPhoto',
      summary: 'A photo the citizen sent with a request (each look is in the audit log)',
      tag: 'requests',
      minRole: 'agent',
      params: PhotoParams,
      query: TenantQuery,
      response: { stream: 'image' },
      async handle({ params, query, principal, res }) {
        const { request, key } = await photoOf(principal, query.tenant, params.id);
        if (!key || photoIdOf(key) !== params.photoId) throw new GuichetError('NOT_FOUND', 'No such photo');
        const photo = await media.get(key);
        if (!photo) throw new GuichetError('NOT_FOUND', 'No such photo');
        await deps.store.audit({
          tenantId: request.tenantId,
          actor: actorOf(principal),
          action: 'photo.view',
          targetType: 'request',
          targetId: request.id,
          details: { reference: request.reference },
        });
        res.set({
          'Content-Type': photo.contentType,
          'Cache-Control': 'private, no-store',
          'X-Content-Type-Options': 'nosniff',
          'Content-Disposition': 'inline',
        });
        res.end(photo.bytes);
      },
    }),
    route({
      method: 'put',
      path: '/requests/{id}/photos/{photoId}/publication',
      operationId: 'publishRequestPhoto',
      summary: 'Publish a photo of a request (or withdraw it): only a published photo is ever public',
      tag: 'requests',
      minRole: 'agent',
      params: PhotoParams,
      query: TenantQuery,
      body: z.strictObject({ published: z.boolean() }),
      response: RequestPhotoSchema,
      async handle({ params, query, principal, body }) {
        const { request, key } = await photoOf(principal, query.tenant, params.id);
        if (!key || photoIdOf(key) !== params.photoId) throw new GuichetError('NOT_FOUND', 'No such photo');
        await mediaPublications.setPublished(
          { tenantId: request.tenantId, requestId: request.id, key },
          body.published,
          actorOf(principal),
        );
        await deps.store.audit({
          tenantId: request.tenantId,
          actor: actorOf(principal),
          action: body.published ? 'photo.publish' : 'photo.unpublish',
          targetType: 'request',
          targetId: request.id,
          details: { reference: request.reference },
        });
        return {
          id: params.photoId,
          url: requestPhotoPath(request.reference, params.photoId),
          published: body.published,
        };
      },
    }),
  ];
}
