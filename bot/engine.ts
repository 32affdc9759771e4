// The one entry point every channel calls: a turn in, neutral replies out.
// idempotency → per-conversation lock (both in turn-coordination.ts) → load state → agent gate → NLU →
// dialogue → commit → save state.
import { Dialogue, type DialogueOptions } from './dialogue';
import { GuichetError, isGuichetError } from './errors';
import { phrase, say, type Locale } from './i18n';
import {
  IncomingMessageSchema,
  replyOrText,
  replyToPlainText,
  type IncomingMessage,
  type Reply,
  type TurnResult,
} from './messages';
import type { Logger } from './logger';
import { silentLogger } from './logger';
import type { Nlu } from './nlu/types';
import { compose, type Middleware } from './pipeline';
import type {
  ConversationRecord,
  ConversationStateStore,
  IdempotencyStore,
  JsonObject,
  LockManager,
  MessageRecord,
  SharedStore,
  TurnCommit,
  TurnCommitOutcome,
  TurnObserver,
  TurnStage,
} from './ports';
import { TURN_STAGES } from './ports';
import {
  CHANNEL_STATE_KINDS,
  channelStateKey,
  readState,
  SATISFACTION_SCORE,
  type ConversationState,
  type SatisfactionQuestion,
} from './state';
import type { TenantDirectory, TenantProfile } from './tenant';
import { TurnContext } from './turn-context';
import { createTurnCoordination, type ConversationAddress, type CoordinatedTurn } from './turn-coordination';

export type { TurnResult } from './messages';

/** Where messages of a conversation owned by an agent (or waiting for one) are delivered. */
export interface AgentInbox {
  deliver(conversation: ConversationRecord, message: IncomingMessage): Promise<void>;
}

export interface EngineDeps extends Omit<DialogueOptions, 'confidenceThreshold'> {
  nlu: Nlu;
  store: SharedStore;
  state: ConversationStateStore;
  locks: LockManager;
  idempotency: IdempotencyStore;
  tenants: TenantDirectory;
  agentInbox?: AgentInbox;
  logger?: Logger;
  clock?: () => Date;
  confidenceThreshold?: number;
  stateTtlSeconds?: number;
  lockTtlMs?: number;
  lockWaitMs?: number;
  /**
   * Key of the hash that keeps channel addresses out of Redis keys; the same on every instance.
   * Default: one random key per process (fine for a single instance).
   */
  coordinationSecret?: string;
  /** Extra middleware run around the dialogue (logging, metrics, LLM…). */
  middleware?: Middleware<Turn>[];
  /** Told of every turn's outcome and stage durations (an instance's metrics). */
  observer?: TurnObserver;
}

/** What flows through the pipeline (the coordination part: bot/turn-coordination.ts). */
export interface Turn extends CoordinatedTurn {
  tenant: TenantProfile;
  now: Date;
  conversation?: ConversationRecord;
  /**
   * The conversation was this process's copy, not read from the shared store: its commit carries what the turn
   * expects of it (TurnCommit.expect), and a 'conversation_changed' answer runs the turn again after a read.
   */
  unread?: boolean;
  /** The conversation whose state is read with the lock's first attempt (see handleTurn). */
  readWithLock?: string;
  stateVersion: number;
  ctx?: TurnContext;
  /** A channel command (see TurnCommand) instead of the dialogue. */
  command?: TurnCommand;
  /** When each stage ended (performance.now()), for the observer; a turn run again after the lock starts over. */
  stageEnds?: Partial<Record<TurnStage, number>>;
}

/**
 * A channel's own command (SMS STOP/START…), run as a turn: under the same idempotency claim, conversation
 * lock and fenced commit as a dialogue turn, so it is ordered with the turns around it. Answers undefined
 * when the message is not a command after all (a plain "oui"): the dialogue then handles it as usual.
 */
export type TurnCommand = (
  ctx: TurnContext,
) => Promise<{ replies: Reply[]; transcript?: MessageRecord[]; mark?: string } | undefined>;

export interface Engine {
  /** With a `command`, the channel's command answers instead of the dialogue (see TurnCommand). */
  handleTurn(input: IncomingMessage, command?: TurnCommand): Promise<TurnResult>;
  /** The dialogue position of a conversation (read-only), for a channel that adapts to it (voice). */
  conversationState(conversationId: string): Promise<ConversationState>;
  /**
   * Makes the satisfaction question the conversation's pending question, so that its next message ("4") is
   * read as the answer. False when this conversation was already asked after an agent (never twice), or when
   * a form is under way (its next message answers the form).
   */
  askSatisfaction(conversationId: string, question: SatisfactionQuestion): Promise<boolean>;
  /** A helpful answer when a dependency is down: the counter's phone number and hours. */
  degradedReplies(tenantId: string, locale?: Locale): Reply[];
  /**
   * Erasure of a contact, Redis/memory side: the conversation state (when its id is given) and every
   * coordination key of the address (lock, fencing counter, recorded answers).
   */
  forgetConversation(
    target: (ConversationAddress | Partial<ConversationAddress>) & { conversationId?: string },
  ): Promise<void>;
  readonly dialogue: Dialogue;
}

export function createEngine(deps: EngineDeps): Engine {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? (() => new Date());
  const stateTtl = deps.stateTtlSeconds ?? 24 * 3600;
  const dialogue = new Dialogue({ ...deps, confidenceThreshold: deps.confidenceThreshold ?? 0.5 });

  const coordination = createTurnCoordination<Turn>({
    locks: deps.locks,
    idempotency: deps.idempotency,
    logger,
    secret: deps.coordinationSecret,
    lockTtlMs: deps.lockTtlMs,
    lockWaitMs: deps.lockWaitMs,
  });

  // The conversation last seen for each address. While the bot owns it, a turn runs on this copy without asking
  // the shared store first (one statement per turn instead of two): the commit is then written only if the
  // conversation is still as the copy says (TurnCommit.expect), and the turn runs again on a fresh read when an
  // agent took it over, or it was closed, erased or purged, meanwhile (another instance, the back office).
  // Otherwise its id lets the state be read at the same time as the shared store is asked (one wait, not two).
  const knownConversations = new BoundedMap<string, ConversationRecord>(KNOWN_CONVERSATIONS_LIMIT);

  const load: Middleware<Turn> = async (turn, next) => {
    const address = coordination.scopeOf(turn);
    const known = knownConversations.get(address);
    if (turn.unread === undefined && botsCopy(known)) {
      turn.unread = true;
      turn.conversation = known;
      // Read together with the lock when it was granted at once (one round trip for both), else now.
      const withLock = turn.readWithLock === known.id ? turn.lock?.afterRead : undefined;
      const stored = withLock
        ? (withLock.value as Awaited<ReturnType<ConversationStateStore['get']>>)
        : await deps.state.get(stateKey(known.id));
      return loaded(turn, stored, next);
    }
    turn.unread = false;
    const guess = known?.id;
    const early = guess === undefined ? undefined : deps.state.get(stateKey(guess));
    early?.catch(() => undefined); // awaited below when the guess is right; ignored otherwise
    const conversation = await deps.store.openConversation({
      tenantId: turn.tenant.id,
      channel: turn.message.channel,
      address: turn.message.address,
    });
    turn.conversation = conversation;
    knownConversations.set(address, conversation);
    const stored =
      early && guess === conversation.id ? await early : await deps.state.get(stateKey(conversation.id));
    return loaded(turn, stored, next);
  };

  /** The conversation's state read: fencing, a retried message already answered, then the turn itself. */
  const loaded = async (
    turn: Turn,
    stored: Awaited<ReturnType<ConversationStateStore['get']>>,
    next: () => Promise<void>,
  ): Promise<void> => {
    const conversation = turn.conversation!;
    mark(turn, 'load');
    turn.stateVersion = stored?.version ?? 0;
    // Fencing: the state carries the token of the lock that wrote it. A newer token there means our lock
    // expired and a later holder already moved the conversation on: this turn must not run on top of it.
    // (A write after this load is caught by the version check in persist: together they fence the state.)
    const fence = stored?.data[FENCE_FIELD];
    if (turn.lock && typeof fence === 'number' && fence > turn.lock.token) {
      throw new GuichetError('LOCK_TIMEOUT', 'A newer lock holder already wrote this conversation');
    }
    const state = readState(stored?.data);
    const messageId = turn.message.providerMessageId;
    if (messageId && state.lastMessageId === messageId) {
      // This message's turn went through entirely but its answer was never recorded (the instance died): the
      // provider's retry gets that answer, not a second turn on the state it already moved on.
      turn.result = (await recoveredAnswer(turn, messageId)).result;
      return;
    }
    if (turn.message.locale) state.locale = turn.message.locale;
    turn.ctx = new TurnContext(turn.message, turn.tenant, conversation, state, turn.now, deps.store, true);
    await next();
  };

  /** The answer stored with a committed turn, to give again (see TurnResult.recovered), and whether it is the latest. */
  const recoveredAnswer = async (
    turn: Turn,
    messageId: string,
  ): Promise<{ result: TurnResult; latest: boolean }> => {
    const conversationId = turn.conversation!.id;
    const stored = await deps.store.committedTurn(turn.tenant.id, conversationId, messageId);
    logger.warn('turn already committed, its stored answer is given again', { tenant: turn.tenant.id });
    return {
      result: {
        conversationId,
        replies: (stored?.replies ?? []).map((m) => replyOrText(m.payload, m.text)),
        recovered: true,
      },
      latest: stored?.latest ?? false,
    };
  };

  /** What a commit of this turn expects of the conversation when the turn did not read it (see Turn.unread). */
  const expectation = (turn: Turn): TurnCommit['expect'] =>
    turn.unread ? { owner: turn.conversation!.owner, address: turn.message.address } : undefined;

  /**
   * Commits the turn; a conversation changed under this process's copy, or a drawn reference already taken, runs
   * the turn again (see `attempt`).
   */
  const commit = async (turn: Turn, content: TurnCommit): Promise<TurnCommitOutcome> => {
    const outcome = await deps.store.commitTurn({
      ...content,
      expect: expectation(turn),
      // The turn's requests come from ctx.createRequest, their references drawn without a read (see TurnContext).
      draftReferences: content.requests.length > 0,
    });
    // Nothing was written: run the turn again on a fresh read (new references, for a taken one).
    if (outcome === 'conversation_changed' || outcome === 'reference_taken') throw new ConversationChanged();
    // The turn handed the conversation over or closed it: the next turn reads it again.
    if (content.conversation?.owner || content.conversation?.status)
      knownConversations.delete(coordination.scopeOf(turn));
    return outcome;
  };

  const command: Middleware<Turn> = async (turn, next) => {
    const outcome = turn.command ? await turn.command(turn.ctx!) : undefined;
    if (!outcome) return next();
    const outbound = outcome.replies.map((r): MessageRecord => ({
      direction: 'out',
      text: replyToPlainText(r),
      payload: r,
    }));
    await commit(turn, {
      tenantId: turn.tenant.id,
      conversationId: turn.conversation!.id,
      messages: [inboundRecord(turn.message), ...(outcome.transcript ?? outbound)],
      requests: [],
      outbox: [],
      // A command may change the conversation itself (the web chat's "Nouvelle conversation" closes it).
      conversation: turn.ctx!.effects.conversation,
      fenceToken: turn.lock?.token,
    });
    turn.result = { conversationId: turn.conversation!.id, replies: outcome.replies };
    // The state remembers the mark of a command's answer (SMS STOP's confirmation) until the dialogue answers
    // again, so the channel knows what its last answer was without reading the transcript. Written only when
    // it changes; the rest of the state is the dialogue's, lastMessageId included (SUITE's pages are keyed by it).
    const mark = outcome.mark ?? null;
    if (turn.ctx!.state.commandMark !== mark) {
      turn.ctx!.state.commandMark = mark;
      await saveState(turn);
    }
  };

  const agentGate: Middleware<Turn> = async (turn, next) => {
    const conversation = turn.conversation!;
    if (conversation.owner === 'bot') return next();
    // An agent owns (or is about to own) the conversation: the bot stays silent.
    await deps.store.commitTurn({
      tenantId: turn.tenant.id,
      conversationId: conversation.id,
      messages: [inboundRecord(turn.message)],
      requests: [],
      outbox: [],
    });
    await deps.agentInbox?.deliver(conversation, turn.message);
    turn.result = { conversationId: conversation.id, replies: [], forwardedToAgent: true };
  };

  const understand: Middleware<Turn> = async (turn, next) => {
    const ctx = turn.ctx!;
    ctx.nlu = deps.nlu.analyze(turn.message.text, {
      now: turn.now,
      timeZone: turn.tenant.timeZone,
      vocabulary: turn.tenant.vocabulary,
    });
    // The language of a real sentence wins; a bare "2" or "ok" keeps the conversation's language.
    if (!turn.message.locale && turn.message.text.trim().split(/\s+/).length >= 3)
      ctx.state.locale = ctx.nlu.language;
    dialogue.resolveChoice(ctx);
    await next();
  };

  const converse: Middleware<Turn> = async (turn, next) => {
    mark(turn, 'understand');
    const ctx = turn.ctx!;
    const firstContact = !ctx.state.noticeShown;
    await dialogue.run(ctx);
    if (firstContact) {
      ctx.state.noticeShown = true;
      const notice = (ctx.locale === 'en' && turn.tenant.noticeShortEn) || turn.tenant.noticeShort;
      ctx.replies.unshift({ type: 'text', text: notice });
    }
    await next();
  };

  const persist: Middleware<Turn> = async (turn) => {
    mark(turn, 'dialogue');
    const ctx = turn.ctx!;
    const conversation = turn.conversation!;
    // Fencing is in the writes themselves, not in a check before them (a lock can expire right after any
    // check): the commit carries the lock token and the shared store refuses it once a newer holder has
    // committed; the state write is versioned. So no round trip to ask the lock whether it is still held.
    const inbound = { ...inboundRecord(turn.message), intent: ctx.nlu.intent };
    const outbound: MessageRecord[] = ctx.replies.map((r) => ({
      direction: 'out',
      text: replyToPlainText(r),
      payload: r,
    }));
    const outcome = await commit(turn, {
      tenantId: turn.tenant.id,
      conversationId: conversation.id,
      messages: [inbound, ...outbound],
      requests: ctx.effects.requests,
      follows: ctx.effects.follows,
      outbox: ctx.effects.outbox,
      conversation: { ...ctx.effects.conversation, lastIntent: ctx.nlu.intent },
      fenceToken: turn.lock?.token,
    });
    mark(turn, 'commit');
    turn.result = { conversationId: conversation.id, replies: ctx.replies };
    if (outcome === 'already_committed' && turn.message.providerMessageId) {
      // Committed already, by an instance that died before writing the state: the citizen gets the answer stored
      // then (this run's requests and side effects were not written). This run went through the same message on
      // the same state, so the state it reached is the one that answer leads to — unless later turns followed
      // (a very late redelivery): then the state is theirs, and stays.
      const recovered = await recoveredAnswer(turn, turn.message.providerMessageId);
      turn.result = recovered.result;
      if (!recovered.latest) return;
    }
    ctx.state.lastMessageId = turn.message.providerMessageId ?? null;
    ctx.state.commandMark = null; // the dialogue answered last (see the command middleware)
    await saveState(turn);
    mark(turn, 'state');
  };

  /** Writes the turn's state after its commit (versioned and fenced, see persist). */
  const saveState = async (turn: Turn): Promise<void> => {
    const data = {
      ...(turn.ctx!.state as unknown as JsonObject),
      ...(turn.lock ? { [FENCE_FIELD]: turn.lock.token } : {}),
    };
    try {
      await deps.state.set(stateKey(turn.conversation!.id), data, turn.stateVersion, stateTtl);
    } catch (error) {
      // The turn is committed: the citizen must be told what was recorded (a reference), not "failed",
      // or they would send it again. A lost state write (Redis blip, a newer holder) costs only the
      // dialogue position; the transcript and the requests are in the shared store.
      logger.error('state write failed after commit', { tenant: turn.tenant.id, error: String(error) });
    }
  };

  /** Tells the observer how the turn ended and what each of its stages took (nothing without an observer). */
  const observe = (turn: Turn, started: number, errorCode?: string): void => {
    if (!deps.observer || !turn.stageEnds) return;
    const ended = performance.now();
    const stages: Partial<Record<TurnStage, number>> = {};
    let from = started;
    for (const stage of TURN_STAGES) {
      const end = turn.stageEnds[stage];
      if (end === undefined) continue;
      stages[stage] = Math.max(0, end - from) / 1000;
      from = end;
    }
    const result = turn.result;
    try {
      deps.observer.turnEnded({
        channel: turn.message.channel,
        outcome: errorCode
          ? 'failed'
          : result?.replayed || result?.recovered
            ? 'replayed'
            : result?.forwardedToAgent
              ? 'forwarded'
              : 'answered',
        ...(errorCode ? { errorCode } : {}),
        seconds: (ended - started) / 1000,
        stages,
      });
    } catch (error) {
      // Measuring must never cost a citizen an answer.
      logger.warn('turn observer failed', { error: String(error) });
    }
  };

  const runOnConversation = compose<Turn>([
    load,
    command,
    agentGate,
    understand,
    ...(deps.middleware ?? []),
    converse,
    persist,
  ]);

  // Under the lock: the turn, and once more on a fresh read when it ran on a copy the store no longer matches.
  const attempt: Middleware<Turn> = async (turn) => {
    mark(turn, 'coordination');
    try {
      await runOnConversation(turn);
    } catch (error) {
      if (!(error instanceof ConversationChanged)) throw error;
      knownConversations.delete(coordination.scopeOf(turn));
      // The stages start again after the lock: the attempt given up counts in the new one's 'load'.
      if (turn.stageEnds) turn.stageEnds = { coordination: turn.stageEnds.coordination };
      turn.conversation = undefined;
      turn.ctx = undefined;
      turn.result = undefined;
      turn.stateVersion = 0;
      turn.unread = false; // load asks the store this time
      await runOnConversation(turn);
    }
  };

  const run = compose<Turn>([coordination.claimOnce, coordination.holdLock, attempt]);

  return {
    dialogue,
    async handleTurn(input, command) {
      const parsed = IncomingMessageSchema.safeParse(input);
      if (!parsed.success)
        throw new GuichetError('BAD_REQUEST', 'Invalid incoming message', parsed.error.issues);
      const message = { ...parsed.data, text: sanitizeText(parsed.data.text) };
      const tenant = deps.tenants.get(message.tenantId);
      if (!tenant) throw new GuichetError('NOT_FOUND', `Unknown tenant ${message.tenantId}`);
      const started = deps.observer ? performance.now() : 0;
      const turn: Turn = { message, tenant, now: message.receivedAt ?? clock(), stateVersion: 0, command };
      if (deps.observer) turn.stageEnds = {};
      // A conversation the bot owns (this process's copy, see load): its state is asked for right behind the
      // lock, in the same round trip; load uses that answer only if the copy still names this conversation.
      const known = knownConversations.get(coordination.scopeOf(turn));
      if (botsCopy(known)) {
        turn.readWithLock = known.id;
        turn.readAfterLock = () => deps.state.get(stateKey(known.id));
      }
      try {
        await run(turn);
      } catch (error) {
        await turn.released;
        if (!isGuichetError(error))
          logger.error('turn failed', { tenant: tenant.id, channel: message.channel, error: String(error) });
        observe(turn, started, isGuichetError(error) ? error.code : 'INTERNAL');
        throw error;
      }
      await turn.released;
      if (!turn.result) throw new GuichetError('INTERNAL', 'The turn produced no result');
      observe(turn, started);
      return turn.result;
    },
    async forgetConversation({ conversationId, tenantId, channel, address }) {
      if (tenantId && channel && address)
        knownConversations.delete(coordination.scopeOfAddress({ tenantId, channel, address }));
      await Promise.all([
        tenantId && channel && address ? coordination.forget({ tenantId, channel, address }) : undefined,
        conversationId ? deps.state.delete(stateKey(conversationId)) : undefined,
        ...CHANNEL_STATE_KINDS.map((kind) =>
          conversationId ? deps.state.delete(channelStateKey(conversationId, kind)) : undefined,
        ),
      ]);
    },
    async conversationState(conversationId) {
      return readState((await deps.state.get(stateKey(conversationId)))?.data);
    },
    async askSatisfaction(conversationId, question) {
      // Written beside the turns: a turn that commits in between wins (STALE_STATE), and we read again.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const stored = await deps.state.get(stateKey(conversationId));
        const state = readState(stored?.data);
        if (question.requestId === null && state.satisfactionAsked) return false;
        // In the middle of a procedure, "4" answers the form: the question would not be heard.
        if (state.form) return false;
        if (question.requestId === null) state.satisfactionAsked = true;
        state.awaiting = { kind: SATISFACTION_SCORE, data: { ...question } };
        state.lastChoices = [];
        state.choiceQuestion = null;
        const data = { ...(stored?.data ?? {}), ...(state as unknown as JsonObject) };
        try {
          await deps.state.set(stateKey(conversationId), data, stored?.version ?? 0, stateTtl);
          return true;
        } catch (error) {
          if (!(isGuichetError(error) && error.code === 'STALE_STATE')) throw error;
        }
      }
      return false;
    },
    degradedReplies(tenantId, locale = 'fr') {
      const tenant = deps.tenants.get(tenantId);
      const contact = tenant ? `${tenant.contactPhone} (${tenant.contactHoursText})` : '';
      return [
        {
          type: 'text',
          text: say(
            phrase(
              `Le service est momentanément indisponible, votre message n’a pas pu être traité. Réessayez dans quelques minutes${contact ? ` ou appelez l’accueil au ${contact}` : ''}.`,
              `The service is temporarily unavailable and your message could not be processed. Please try again in a few minutes${contact ? ` or call us on ${contact}` : ''}.`,
            ),
            locale,
          ),
        },
      ];
    },
  };
}

export const stateKey = (conversationId: string): string => `conv:${conversationId}`;

/** Whether this process's copy of a conversation lets a turn run on it without a read: still the bot's, open. */
/** The end of a stage of this turn, when someone observes turns (see TurnObserver). */
function mark(turn: Turn, stage: TurnStage): void {
  if (turn.stageEnds) turn.stageEnds[stage] = performance.now();
}

const botsCopy = (known: ConversationRecord | undefined): known is ConversationRecord =>
  known !== undefined && known.owner === 'bot' && known.status === 'open';

/**
 * The commit wrote nothing and the turn runs again on a fresh read: the conversation changed under this process's
 * copy, or a reference the turn drew was already taken (it draws new ones).
 */
class ConversationChanged extends Error {}

/** Addresses whose conversation is remembered per process (~400 bytes each). */
const KNOWN_CONVERSATIONS_LIMIT = 20_000;

/** A Map that forgets its least recently set entry beyond `limit`. */
class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly limit: number) {}
  get(key: K): V | undefined {
    return this.entries.get(key);
  }
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
  delete(key: K): void {
    this.entries.delete(key);
  }
}

/** Field of the stored state holding the fencing token of the lock that wrote it (stripped by readState). */
export const FENCE_FIELD = '_fence';

function inboundRecord(message: IncomingMessage): MessageRecord {
  const extras =
    message.media || message.location ? { media: message.media, location: message.location } : undefined;
  return {
    direction: 'in',
    text: message.text,
    providerMessageId: message.providerMessageId,
    payload: extras,
  };
}

/** Control characters are dropped (keeping line breaks); the text is what a person could have typed. */
function sanitizeText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').normalize('NFC');
}
