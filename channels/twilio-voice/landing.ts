// What a caller chose when no agent could take the call, written where the agents work: a callback joins
// the callbacks list (through the same 'conversation.handover' outbox row as a callback promised in writing,
// backoffice/callbacks.ts), a voice message becomes a request « Message vocal » (recording SID, duration, the
// caller's number as its contact, hidden like every contact) in the agents' request lists, its transcription
// added to the request (payload) and to the transcript — which the request's history shows — when Twilio sends
// one, and the conversation joins the queue with it in the
// transcript; an SMS sent is kept in the transcript. The call's conversation (address = CallSid) is the one the engine used, or a new one when the
// caller asked for a person straight from the keypad. Every write is keyed (message ids, outbox dedupe
// keys): a callback Twilio retries records nothing twice.
import { randomUUID } from 'node:crypto';
import type { Engine } from '../../bot/engine';
import { phrase } from '../../bot/i18n';
import type { RecordedRequestType } from '../../bot/intent-module';
import { phoneForPeople, toE164 } from '../../bot/phone-numbers';
import type { ConversationRecord, MessageRecord, NewRequest, SharedStore } from '../../bot/ports';
import { agentsSchedule } from '../../intents/human-agent';
import { competentAuthority, type Territory } from '../../knowledge/territory';

/** The request a voice message becomes, as the back office names it. */
export const VOICE_MESSAGE_REQUEST: RecordedRequestType = {
  type: 'voice_message',
  label: phrase('Message vocal', 'Voice message'),
};

/** Without agents' hours to go by, "dans la journée": a day from now. */
const DEFAULT_CALLBACK_DELAY_MS = 24 * 60 * 60 * 1000;

export class VoiceLanding {
  constructor(
    private readonly store: SharedStore,
    private readonly engine: Engine,
    private readonly territory: Territory,
    private readonly callSid: string,
    private readonly now: Date,
  ) {}

  /** A callback at the next opening (or today, when the transfer was not answered), to `phone` (E.164). */
  async callback(phone: string, said: string): Promise<void> {
    const schedule = agentsSchedule(this.territory, this.now);
    const promisedBy =
      schedule.until ?? new Date(this.now.getTime() + DEFAULT_CALLBACK_DELAY_MS).toISOString();
    await this.land(
      [
        { direction: 'in', text: 'Être rappelé', providerMessageId: `${this.callSid}:callback` },
        { direction: 'out', text: said, providerMessageId: `${this.callSid}:callback:said` },
      ],
      'callback',
      { kind: 'callback', phone, promisedBy },
    );
  }

  /**
   * A voice message Twilio has stored; an empty one (the caller hung up at the beep) is not kept. `caller`:
   * the number that called (E.164) when known — the call's conversation is addressed by its CallSid, so the
   * agents read it here.
   */
  async voiceMessage(recordingSid: string, durationS: number, caller?: string): Promise<boolean> {
    if (durationS < 1) return false;
    const from = caller ? toE164(caller) : undefined;
    const conversation = await this.store.openConversation(this.address());
    // Twilio retries its status callback: a recording already in the transcript has its request already.
    const known = await this.store.listMessages(this.territory.id, conversation.id);
    if (known.some((m) => m.providerMessageId === recordingSid)) return true;
    const request = await this.voiceMessageRequest(conversation, recordingSid, durationS, from);
    // With a request, the number is its contact, shown on demand (audited) like every contact: the transcript
    // names the request instead. Without one (a territory with no authority), the transcript keeps the number.
    const who = request ? ` : demande ${request.reference}` : from ? ` du ${phoneForPeople(from)}` : '';
    await this.land(
      [
        {
          direction: 'in',
          text: `Message vocal (${durationS} s)${who}`,
          providerMessageId: recordingSid,
          payload: { voiceMessage: { recordingSid, durationS, ...(from && !request ? { from } : {}) } },
        },
      ],
      `voice-message:${recordingSid}`,
      { kind: 'voice_message', recordingSid, durationS, ...(from ? { phone: from } : {}) },
      request ? [request] : [],
    );
    return true;
  }

  /**
   * The request « Message vocal »: handled by the authority that answers the territory's phone line (the
   * one competent for 'voice_message' if the territory names one, else its intercommunalité).
   */
  private async voiceMessageRequest(
    conversation: ConversationRecord,
    recordingSid: string,
    durationS: number,
    from: string | undefined,
  ): Promise<NewRequest | undefined> {
    const authority =
      competentAuthority(this.territory, VOICE_MESSAGE_REQUEST.type) ??
      this.territory.authorities.find((a) => a.kind === 'intercommunalite') ??
      this.territory.authorities[0];
    if (!authority) return undefined;
    return {
      reference: await this.store.reserveReference(this.now),
      tenantId: this.territory.id,
      type: VOICE_MESSAGE_REQUEST.type,
      authorityId: authority.id,
      channel: 'voice',
      contactId: conversation.contactId,
      conversationId: conversation.id,
      payload: {
        voiceMessage: { recordingSid, durationS },
        ...(from ? { contact: { kind: 'phone', value: from } } : {}),
      },
    };
  }

  /** The transcription of a voice message, added to the transcript under it and to its request. */
  async transcription(recordingSid: string, text: string): Promise<void> {
    const conversation = await this.store.findConversation(this.address());
    if (!conversation) return;
    await this.store.recordVoiceTranscription({ tenantId: this.territory.id, recordingSid, text });
    await this.store.commitTurn({
      tenantId: this.territory.id,
      conversationId: conversation.id,
      messages: [
        {
          direction: 'in',
          text: `Transcription du message vocal : ${text}`,
          providerMessageId: `${recordingSid}:transcription`,
          payload: { voiceMessageTranscription: { recordingSid } },
        },
      ],
      requests: [],
      outbox: [],
    });
  }

  /** The caller's keypad score (1–5) at the end of the call, stored against the call's conversation. */
  async satisfaction(score: number, askedAt: Date): Promise<void> {
    const conversation = await this.store.findConversation(this.address());
    if (!conversation) return;
    await this.store.commitTurn({
      tenantId: this.territory.id,
      conversationId: conversation.id,
      messages: [
        {
          direction: 'in',
          text: `Note de satisfaction : ${score} sur 5`,
          providerMessageId: `${this.callSid}:satisfaction`,
        },
      ],
      requests: [],
      outbox: [],
      conversation: {
        satisfaction: { id: randomUUID(), requestId: null, askedAt: askedAt.toISOString(), score },
      },
    });
  }

  /** The SMS with the counter's hours and contacts, as sent. */
  async smsSent(body: string): Promise<void> {
    const conversation = await this.store.openConversation(this.address());
    await this.store.commitTurn({
      tenantId: this.territory.id,
      conversationId: conversation.id,
      messages: [
        {
          direction: 'in',
          text: 'Recevoir les horaires et contacts par SMS',
          providerMessageId: `${this.callSid}:sms`,
        },
        { direction: 'out', text: body, providerMessageId: `${this.callSid}:sms:sent` },
      ],
      requests: [],
      outbox: [],
    });
  }

  private address() {
    return { tenantId: this.territory.id, channel: 'voice', address: this.callSid };
  }

  /** The conversation joins the agents' queue with what the caller asked before, and the follow-up chosen. */
  private async land(
    messages: MessageRecord[],
    key: string,
    followUp: Record<string, unknown>,
    requests: NewRequest[] = [],
  ): Promise<void> {
    const conversation = await this.store.openConversation(this.address());
    const schedule = agentsSchedule(this.territory, this.now);
    const question = await this.engine
      .conversationState(conversation.id)
      .then((s) => s.lastQuestion)
      .catch(() => null);
    await this.store.commitTurn({
      tenantId: this.territory.id,
      conversationId: conversation.id,
      messages,
      requests,
      outbox: [
        {
          kind: 'conversation.handover',
          payload: {
            tenantId: this.territory.id,
            conversationId: conversation.id,
            channel: 'voice',
            summary: {
              question,
              lastIntents: [],
              form: null,
              outsideHours: !schedule.open,
              nextAgentsOpening: schedule.at ?? null,
              followUp,
            },
          },
          dedupeKey: `handover:${conversation.id}:${key}`,
        },
      ],
      conversation: { owner: 'queue' },
    });
  }
}
