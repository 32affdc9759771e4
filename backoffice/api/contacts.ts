// /api/v1/contacts: a citizen across channels, and the RGPD rights of access (export) and erasure.
import { GuichetError } from '../../bot/errors';
import { anonymisePayload } from '../anonymise';
import { actorOf, scopeOf } from '../auth';
import {
  ContactExportSchema,
  ContactViewSchema,
  ErasureResultSchema,
  IdParams,
  TenantQuery,
} from '../schemas';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

const notFound = (id: string) => new GuichetError('NOT_FOUND', `No contact ${id}`);

export function contactRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/contacts/{id}',
      operationId: 'getContact',
      summary: 'A contact with their channel identities, conversations and requests',
      tag: 'contacts',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      response: ContactViewSchema,
      async handle({ params, query, principal }) {
        const found = await deps.store.getContact(scopeOf(principal, query.tenant), params.id);
        if (!found) throw notFound(params.id);
        // Personal data: who looked at it, and when, is kept.
        await deps.store.audit({
          tenantId: found.tenantId,
          actor: actorOf(principal),
          action: 'contact.read',
          targetType: 'contact',
          targetId: params.id,
        });
        return found;
      },
    }),
    route({
      method: 'get',
      path: '/contacts/{id}/export',
      operationId: 'exportContact',
      summary: 'RGPD right of access: everything stored about the contact, as JSON',
      tag: 'contacts',
      minRole: 'supervisor',
      params: IdParams,
      query: TenantQuery,
      response: ContactExportSchema,
      async handle({ params, query, principal, res }) {
        const found = await deps.store.exportContact(scopeOf(principal, query.tenant), params.id);
        if (!found) throw notFound(params.id);
        await deps.store.audit({
          tenantId: found.contact.tenantId,
          actor: actorOf(principal),
          action: 'contact.export',
          targetType: 'contact',
          targetId: params.id,
        });
        res.set('Content-Disposition', `attachment; filename="contact-${params.id}.json"`);
        return found;
      },
    }),
    route({
      method: 'post',
      path: '/contacts/{id}/erase',
      operationId: 'eraseContact',
      summary: 'RGPD right to erasure',
      description:
        'Deletes the transcripts and channel identities, anonymises the contact, the conversations and the personal ' +
        'fields of the requests (kept for legal follow-up), drops pending notifications, and deletes the conversation ' +
        'states. Irreversible; recorded in the audit log.',
      tag: 'contacts',
      minRole: 'supervisor',
      params: IdParams,
      query: TenantQuery,
      response: ErasureResultSchema,
      async handle({ params, query, principal }) {
        const result = await deps.store.eraseContact(
          scopeOf(principal, query.tenant),
          params.id,
          actorOf(principal),
          anonymisePayload,
        );
        if (!result) throw notFound(params.id);
        await deps.store.eraseContactCallbacks(scopeOf(principal, query.tenant), params.id); // promised callbacks
        // The engine's memory of each conversation (dialogue state with form values, locks, recorded answers)
        // is forgotten through the engine. Erasure is idempotent: when it could not be, the caller is told to retry.
        const { forget, media, ...erased } = result;
        let failed = 0;
        // The photos' bytes live in the media store (S3 or PostgreSQL), outside the erasure's transaction. They
        // were queued in it (media_deletions): one the store fails to delete now, the retention job deletes later.
        for (const key of media)
          await deps.media?.delete(key).catch((error: unknown) => {
            deps.logger.warn('erasure: a photo could not be deleted yet; the retention job retries', {
              error: String(error),
            });
          });
        for (const conversation of forget) {
          const { conversationId } = conversation;
          await deps.conversations.forgetConversation(conversation).catch((error: unknown) => {
            failed += 1;
            deps.logger.error('erasure: a conversation state could not be deleted', {
              conversationId,
              error: String(error),
            });
          });
        }
        if (failed > 0)
          throw new GuichetError(
            'DEPENDENCY_UNAVAILABLE',
            `${failed} conversation state(s) could not be deleted: retry the erasure`,
          );
        return erased;
      },
    }),
  ];
}
