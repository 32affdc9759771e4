// GET /api/v1/conversations/{id}/voice-messages/{recordingSid} and GET /api/v1/requests/{id}/voice-message: an
// agent listens to a voice message a caller left on the phone line. Only a recording of that conversation (its
// transcript names it) or request « Message vocal » (its payload does) within the agent's scope; the audio is streamed from Twilio with the account's credentials, so neither a Twilio URL nor a
// credential reaches the browser. Twilio slow or down is a 503 that says so; a recording deleted there, a 404.
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { actorOf, scopeOf } from '../auth';
import type { Response } from 'express';
import { IdParams, TenantQuery } from '../schemas';
import type { ApiDeps, VoiceRecordingSource } from './deps';
import { route, type AnyRoute } from './route';

const RECORDING_SID = /^RE[0-9a-f]{32}$/i;

const Params = z.object({
  id: z.string().min(1).max(100),
  recordingSid: z.string().regex(RECORDING_SID, 'must be a Twilio recording SID'),
});

const voiceMessageOf = (payload: unknown): string | undefined => {
  const sid = (payload as { voiceMessage?: { recordingSid?: unknown } } | null)?.voiceMessage?.recordingSid;
  return typeof sid === 'string' ? sid : undefined;
};

export function voiceMessageRoutes(deps: ApiDeps): AnyRoute[] {
  const recordings = deps.recordings;
  if (!recordings) return [];
  const source: VoiceRecordingSource = recordings;

  /** Streams the recording from Twilio to the agent, the listening written to the audit log. */
  async function listen(
    principal: Parameters<typeof actorOf>[0],
    res: Response,
    tenantId: string,
    recordingSid: string,
    details: Record<string, string>,
  ): Promise<void> {
    let audio: Awaited<ReturnType<VoiceRecordingSource['open']>>;
    try {
      audio = await source.open(recordingSid);
    } catch (error) {
      const kind = (error as { kind?: unknown }).kind;
      deps.logger.warn('voice message could not be read from Twilio', { error: String(error) });
      if (kind === 'gone')
        throw new GuichetError('NOT_FOUND', 'This voice message is no longer available at Twilio');
      throw new GuichetError(
        'DEPENDENCY_UNAVAILABLE',
        'Twilio does not answer at the moment: try listening again in a few minutes',
      );
    }
    await deps.store.audit({
      tenantId,
      actor: actorOf(principal),
      action: 'voice_message.listen',
      details: { ...details, recordingSid },
    });
    res.set({
      'Content-Type': audio.contentType,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
      ...(audio.length ? { 'Content-Length': String(audio.length) } : {}),
    });
    await new Promise<void>((resolve) => {
      audio.body.on('error', (error) => {
        deps.logger.warn('voice message stream broke', { error: String(error) });
        res.destroy();
        resolve();
      });
      res.on('close', resolve);
      audio.body.pipe(res);
    });
  }

  return [
    route({
      method: 'get',
      path: '/conversations/{id}/voice-messages/{recordingSid}',
      operationId: 'getVoiceMessage',
      summary: 'Listen to a voice message left on the phone line (audio streamed from Twilio)',
      description:
        'A voice message is personal data: each listening is recorded in the audit log. 503 when Twilio is slow or down.',
      tag: 'conversations',
      minRole: 'agent',
      params: Params,
      query: TenantQuery,
      response: { stream: 'audio/mpeg' },
      async handle({ params, query, principal, res }) {
        const scope = scopeOf(principal, query.tenant);
        const conversation = await deps.store.getConversation(scope, params.id);
        const ours = conversation?.messages.some((m) => voiceMessageOf(m.payload) === params.recordingSid);
        if (!conversation || !ours)
          throw new GuichetError('NOT_FOUND', `No voice message ${params.recordingSid} in this conversation`);
        await listen(principal, res, conversation.tenantId, params.recordingSid, {
          conversationId: conversation.id,
        });
      },
    }),
    route({
      method: 'get',
      path: '/requests/{id}/voice-message',
      operationId: 'getRequestVoiceMessage',
      summary: 'Listen to the voice message a request « Message vocal » holds (audio streamed from Twilio)',
      description:
        'The same audited listening as a conversation’s voice message, found from the request (its reference or id). 404 when the request holds none.',
      tag: 'requests',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      response: { stream: 'audio/mpeg' },
      async handle({ params, query, principal, res }) {
        const request = await deps.store.getRequestByReference(scopeOf(principal, query.tenant), params.id);
        const recordingSid = request ? voiceMessageOf(request.payload) : undefined;
        if (!request || !recordingSid || !RECORDING_SID.test(recordingSid))
          throw new GuichetError('NOT_FOUND', `No voice message in request ${params.id}`);
        await listen(principal, res, request.tenantId, recordingSid, { requestId: request.id });
      },
    }),
  ];
}
