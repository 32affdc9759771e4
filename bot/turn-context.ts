// Everything one turn reads and produces. Intents add replies and *effects*; the engine commits the
// effects and the transcript in one transaction before any reply leaves, so nothing is promised early.
import type { Choice, IncomingMessage, Reply } from './messages';
import type { NluResult } from './nlu/types';
import type { ConversationRecord, NewRequest, OutboxItem, SharedStore, TurnCommit } from './ports';
import type { ConversationState } from './state';
import type { TenantProfile } from './tenant';
import { say, type Locale, type Phrase } from './i18n';

export type RequestDraft = Omit<
  NewRequest,
  'reference' | 'tenantId' | 'channel' | 'contactId' | 'conversationId'
>;

export interface TurnEffects {
  requests: NewRequest[];
  follows: NonNullable<TurnCommit['follows']>;
  outbox: OutboxItem[];
  conversation: NonNullable<TurnCommit['conversation']>;
}

/** What a person taking the conversation over needs first: the citizen's question and what the bot collected. */
export interface HandoverBrief {
  /** The citizen's latest own sentence before asking for a person (null when they wrote none). */
  question: string | null;
  /** The services asked for lately, as people read them (latest last). */
  lastIntents: string[];
  /** The form under way (or just left), with its filled slots. */
  form: { name: string; title: string; fields: { label: string; value: string }[] } | null;
}

export class TurnContext {
  readonly replies: Reply[] = [];
  readonly effects: TurnEffects = { requests: [], follows: [], outbox: [], conversation: {} };
  nlu!: NluResult;
  /** True once an intent or the form manager answered; the router's fallback runs otherwise. */
  handled = false;
  /** Set by the dialogue before any module runs (it knows the catalogue's labels and the forms). */
  handoverBrief: () => HandoverBrief = () => ({
    question: this.state.lastQuestion,
    lastIntents: [],
    form: null,
  });

  constructor(
    readonly message: IncomingMessage,
    readonly tenant: TenantProfile,
    readonly conversation: ConversationRecord,
    public state: ConversationState,
    readonly now: Date,
    private readonly store: SharedStore,
    /**
     * The requests' references are drawn (SharedStore.draftReference) and checked by the commit, which the
     * engine runs again on a taken one; otherwise each is reserved with a read (the desk's intake).
     */
    private readonly draftReferences = false,
  ) {}

  get locale(): Locale {
    return this.state.locale;
  }

  t(p: Phrase): string {
    return say(p, this.locale);
  }

  reply(reply: Reply): void {
    this.replies.push(reply);
    this.handled = true;
    if (reply.type === 'choices') this.state.lastChoices = reply.choices.slice(0, 10);
  }

  text(p: Phrase | string): void {
    this.reply({ type: 'text', text: typeof p === 'string' ? p : this.t(p) });
  }

  choices(p: Phrase | string, choices: Choice[]): void {
    this.reply({ type: 'choices', text: typeof p === 'string' ? p : this.t(p), choices });
  }

  /** Gives the request a reference and queues it; it is committed with the turn, before the reply is sent. */
  async createRequest(draft: RequestDraft): Promise<string> {
    const reference = this.draftReferences
      ? this.store.draftReference(this.now)
      : await this.store.reserveReference(this.now);
    this.effects.requests.push({
      ...draft,
      reference,
      tenantId: this.tenant.id,
      channel: this.message.channel,
      contactId: this.conversation.contactId,
      conversationId: this.conversation.id,
    });
    this.effects.outbox.push({
      kind: 'request.created',
      payload: { reference, type: draft.type, tenantId: this.tenant.id, authorityId: draft.authorityId },
      dedupeKey: `request.created:${reference}`,
    });
    return reference;
  }

  /** Read access to the shared store for intents (request follow-up, duplicate detection). */
  get sharedStore(): SharedStore {
    return this.store;
  }
}
