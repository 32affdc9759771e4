// What a caller chose when no agent could take the call, written where the agents work: a callback joins
// the callbacks list (through the same 'conversation.handover' outbox row as a callback promised in writing,
// backoffice/callbacks.ts), a voice message joins the queue with the conversation (its recording SID and
// duration in the transcript; the transcription added when Twilio sends one), an SMS sent is kept in the
// transcript. The call's conversation (address = CallSid) is the one the engine used, or a new one when the
// caller asked for a person straight from the keypad. Every write is keyed (message ids, outbox dedupe
// keys): a callback Twilio retries records nothing twice.
import { randomUUID } from 'node:crypto';
import type { Engine } from '../../bot/engine';
import { phoneForPeople, toE164 } from '../../bot/phone-numbers';
import type { MessageRecord, SharedStore } from '../../bot/ports';
import { agentsSchedule } from '../../intents/human-agent';
import type { Territory } from '../../knowledge/territory';

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
    await this.land(
      [
        {
          direction: 'in',
          text: `Message vocal (${durationS} s)${from ? ` du ${phoneForPeople(from)}` : ''}`,
          providerMessageId: recordingSid,
          payload: { voiceMessage: { recordingSid, durationS, ...(from ? { from } : {}) } },
        },
      ],
      `voice-message:${recordingSid}`,
      { kind: 'voice_message', recordingSid, durationS, ...(from ? { phone: from } : {}) },
    );
    return true;
  }

  /** The transcription of a voice message, added to the transcript under it. */
  async transcription(recordingSid: string, text: string): Promise<void> {
    const conversation = await this.store.findConversation(this.address());
    if (!conversation) return;
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
      requests: [],
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
