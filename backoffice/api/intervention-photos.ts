// The photo a field team takes when an intervention is done: uploaded as the image itself (JPEG, PNG or WebP,
// 5 MB at most, checked by its first bytes, not only its declared type), idempotent by the client's id so a
// phone that lost the answer on a poor network can send it again; then named by `photoId` in the status
// change. Shown to agents only (never public).
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { actorOf, scopeOf } from '../auth';
import { TenantQuery } from '../schemas';
import type { ApiDeps } from './deps';
import { sniffImage } from '../../adapters/media/image-type';
import { route, type AnyRoute } from './route';

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;

/** Where the request's timeline and the console find the photo. */
export const photoPath = (interventionId: string, photoId: string) =>
  `/api/v1/interventions/${interventionId}/photos/${photoId}`;

const PhotoParams = z.object({
  id: z.string().min(1).max(100),
  clientId: z.string().trim().min(1).max(200),
});

export function interventionPhotoRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'put',
      path: '/interventions/{id}/photos/{clientId}',
      operationId: 'uploadInterventionPhoto',
      summary: 'Upload the photo of a done intervention (the image itself as the body)',
      description:
        'JPEG, PNG or WebP, at most 5 MB. clientId: chosen by the client; the same upload again answers the same ' +
        'photoId and stores nothing twice. Then POST /interventions/{id}/status with status "done" and photoId.',
      tag: 'interventions',
      minRole: 'agent',
      params: PhotoParams,
      query: TenantQuery,
      upload: { types: PHOTO_TYPES, maxBytes: PHOTO_MAX_BYTES },
      status: 201,
      response: z.object({ photoId: z.string(), url: z.string() }),
      async handle({ params, query, principal, file }) {
        if (!file) throw new GuichetError('BAD_REQUEST', 'The photo is missing');
        if (sniffImage(file.bytes) !== file.contentType)
          throw new GuichetError('UNSUPPORTED_MEDIA_TYPE', `The file is not a ${file.contentType} image`);
        const saved = await deps.interventionPhotos.putPhoto(scopeOf(principal, query.tenant), params.id, {
          clientId: params.clientId,
          contentType: file.contentType,
          bytes: file.bytes,
          actor: actorOf(principal),
        });
        if (!saved) throw new GuichetError('NOT_FOUND', `No intervention ${params.id}`);
        return { photoId: saved.id, url: photoPath(params.id, saved.id) };
      },
    }),
    route({
      method: 'get',
      path: '/interventions/{id}/photos/{photoId}',
      operationId: 'getInterventionPhoto',
      summary: 'The photo of a done intervention',
      tag: 'interventions',
      minRole: 'agent',
      params: z.object({ id: z.string().min(1).max(100), photoId: z.string().min(1).max(100) }),
      query: TenantQuery,
      response: { stream: 'image' },
      async handle({ params, query, principal, res }) {
        const photo = await deps.interventionPhotos.getPhoto(
          scopeOf(principal, query.tenant),
          params.id,
          params.photoId,
        );
        if (!photo) throw new GuichetError('NOT_FOUND', `No photo ${params.photoId}`);
        res.set({
          'Content-Type': photo.contentType,
          'Cache-Control': 'private, max-age=3600',
          'X-Content-Type-Options': 'nosniff',
          'Content-Disposition': 'inline',
        });
        res.end(photo.bytes);
      },
    }),
  ];
}
