// What the dialogue asks of the optional language model: a grounded answer from knowledge passages, and
// a second opinion on a message the NLU was unsure about. Every call goes through the same guardrails:
// territory opt-in, personal-data redaction, per-tenant budget, a deadline per turn, a fixed output schema,
// and checks on the output. Nothing here throws: any problem means "answer without the model".
import type { Locale } from '../i18n';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import type { Channel } from '../messages';
import {
  isLanguageModelError,
  LanguageModelError,
  type LanguageModel,
  type LanguageModelUsage,
} from '../ports/language-model';
import type { LlmBudget } from './budget';
import {
  answerLimitFor,
  cleanGeneratedText,
  fitToLimit,
  leaksInstructions,
  unsupportedFacts,
} from './grounding';
import {
  answerMessages,
  answerSystemPrompt,
  classifySystemPrompt,
  classifyMessages,
  GroundedAnswerSchema,
  intentClassificationSchema,
  type IntentClassification,
  type IntentMeaning,
} from './prompts';
import { redactPersonalData } from './redact';

/** A territory's choice (territory file `llm`); both default to false. */
export interface LlmPolicy {
  enabled: boolean;
  sendPersonalData: boolean;
}

export interface KnowledgePassage {
  id: string;
  title: string;
  text: string;
  sourceUrl: string;
}

export const FALLBACK_REASONS = [
  'disabled',
  'budget',
  'timeout',
  'aborted',
  'rate_limited',
  'unavailable',
  'invalid_output',
  /** The provider refused the request (authentication, bad request). */
  'rejected',
  'ungrounded',
  'leak',
  'too_long',
  'empty',
] as const;
export type FallbackReason = (typeof FALLBACK_REASONS)[number];

export type AnswerOutcome =
  | { kind: 'answered'; text: string; sources: KnowledgePassage[] }
  /** The model says the passages do not answer the question. */
  | { kind: 'not_found' }
  /** Use the answer Guichet gives without a model. */
  | { kind: 'fallback'; reason: FallbackReason };

export interface AnswerInput {
  tenantId: string;
  channel: Channel;
  locale: Locale;
  question: string;
  /** Retrieved passages, best first. */
  passages: readonly KnowledgePassage[];
  /** Characters our code adds after the answer on character-limited channels (the source link). */
  reservedChars?: number;
  /** One object per turn (the TurnContext): all calls of a turn share one deadline. */
  turn?: object;
  signal?: AbortSignal;
}

export interface ClassifyInput {
  tenantId: string;
  text: string;
  /** The intents to choose from, with their meanings (those of the registered services). */
  intents: readonly IntentMeaning[];
  turn?: object;
  signal?: AbortSignal;
}

export interface LlmAssistantOptions {
  model: LanguageModel;
  budget: LlmBudget;
  /** Time the model may take in one turn, all calls included (LLM_TIMEOUT_MS). */
  timeoutMs: number;
  /** The territory's opt-in; undefined (unknown tenant, no `llm` block) means disabled. */
  policyOf(tenantId: string): LlmPolicy | undefined;
  logger?: Logger;
  /** Budget windows (minute, UTC day). */
  clock?: () => Date;
  /** A classification stated with less confidence than this is ignored (default 0.7). */
  minClassifyConfidence?: number;
}

const ANSWER_MAX_TOKENS = 600;
const CLASSIFY_MAX_TOKENS = 100;
/** Not worth starting a call with less time than this left in the turn. */
const MIN_CALL_MS = 250;
/** However long the source link, the answer keeps at least this much room on SMS. */
const MIN_SMS_ANSWER_CHARS = 160;

type CallResult<T> = { ok: true; value: T } | { ok: false; reason: FallbackReason };

export class LlmAssistant {
  private readonly logger: Logger;
  private readonly clock: () => Date;
  private readonly deadlines = new WeakMap<object, number>();

  constructor(private readonly options: LlmAssistantOptions) {
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? (() => new Date());
  }

  /** True when the territory opted in (the deployment configured a provider, or this object would not exist). */
  enabledFor(tenantId: string): boolean {
    return this.options.policyOf(tenantId)?.enabled === true;
  }

  async answer(input: AnswerInput): Promise<AnswerOutcome> {
    if (input.passages.length === 0) return { kind: 'not_found' };
    const base = answerLimitFor(input.channel);
    const limit =
      base.unit === 'chars'
        ? { ...base, max: Math.max(MIN_SMS_ANSWER_CHARS, base.max - (input.reservedChars ?? 0)) }
        : base;
    const system = answerSystemPrompt({ locale: input.locale, limit });
    const result = await this.call(input, input.question, 'answer', (question, signal) =>
      this.options.model.generateStructured({
        system,
        messages: answerMessages(question, input.passages),
        maxTokens: ANSWER_MAX_TOKENS,
        schema: GroundedAnswerSchema,
        signal,
      }),
    );
    if (!result.ok) return this.fallback(input.tenantId, result.reason);
    if (result.value.status === 'not_found') return { kind: 'not_found' };

    const text = cleanGeneratedText(result.value.answer);
    if (!text) return this.fallback(input.tenantId, 'empty');
    if (leaksInstructions(text, system)) return this.fallback(input.tenantId, 'leak');
    const unsupported = unsupportedFacts(
      text,
      input.passages.map((p) => `${p.title}\n${p.text}`),
    );
    if (unsupported.length > 0) {
      return this.fallback(input.tenantId, 'ungrounded', { facts: unsupported.map((f) => f.kind) });
    }
    const fitted = fitToLimit(text, limit);
    if (!fitted) return this.fallback(input.tenantId, 'too_long');
    // Sources come from our retrieval, never from the model: its numbers only select among our passages.
    const chosen = [...new Set(result.value.sources)]
      .map((n) => input.passages[n - 1])
      .filter((p): p is KnowledgePassage => !!p);
    const sources = chosen.length > 0 ? chosen : input.passages.slice(0, 1);
    return { kind: 'answered', text: fitted, sources };
  }

  /** The model's reading of a message the NLU was unsure about; undefined when it is unsure too, or unavailable. */
  async classifyIntent(input: ClassifyInput): Promise<IntentClassification | undefined> {
    const result = await this.call(input, input.text, 'classify', (text, signal) =>
      this.options.model.generateStructured({
        system: classifySystemPrompt(input.intents),
        messages: classifyMessages(text),
        maxTokens: CLASSIFY_MAX_TOKENS,
        schema: intentClassificationSchema(input.intents.map((i) => i.intent)),
        signal,
      }),
    );
    if (!result.ok) {
      this.fallback(input.tenantId, result.reason);
      return undefined;
    }
    if (result.value.confidence < (this.options.minClassifyConfidence ?? 0.7)) return undefined;
    return result.value;
  }

  /** Opt-in, redaction, deadline, budget and error mapping around one provider call. */
  private async call<T>(
    input: { tenantId: string; turn?: object; signal?: AbortSignal },
    citizenText: string,
    purpose: 'answer' | 'classify',
    run: (citizenText: string, signal: AbortSignal) => Promise<{ value: T; usage: LanguageModelUsage }>,
  ): Promise<CallResult<T>> {
    const policy = this.options.policyOf(input.tenantId);
    if (!policy?.enabled) return { ok: false, reason: 'disabled' };
    if (input.signal?.aborted) return { ok: false, reason: 'aborted' };
    const remaining = this.remainingMs(input.turn);
    if (remaining < MIN_CALL_MS) return { ok: false, reason: 'timeout' };

    const redacted = policy.sendPersonalData
      ? { text: citizenText, kinds: [] }
      : redactPersonalData(citizenText);

    const now = this.clock();
    const allowed = await this.options.budget.tryAcquire(input.tenantId, now).catch((error: unknown) => {
      this.logger.warn('llm budget unavailable, answering without the model', { error: String(error) });
      return false;
    });
    if (!allowed) return { ok: false, reason: 'budget' };

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, remaining);
    const onExternalAbort = (): void => controller.abort();
    input.signal?.addEventListener('abort', onExternalAbort, { once: true });
    const started = Date.now();
    try {
      const { value, usage } = await untilAborted(run(redacted.text, controller.signal), controller.signal);
      await this.spend(input.tenantId, usage.totalTokens, now);
      this.logger.info('llm call', {
        tenant: input.tenantId,
        purpose,
        model: this.options.model.id,
        ms: Date.now() - started,
        tokens: usage.totalTokens,
        redacted: redacted.kinds,
      });
      return { ok: true, value };
    } catch (error) {
      if (isLanguageModelError(error) && error.usage)
        await this.spend(input.tenantId, error.usage.totalTokens, now);
      const reason = timedOut ? 'timeout' : reasonOf(error);
      this.logger.warn('llm call failed', {
        tenant: input.tenantId,
        purpose,
        model: this.options.model.id,
        ms: Date.now() - started,
        reason,
        error: isLanguageModelError(error) ? error.message : String(error),
      });
      return { ok: false, reason };
    } finally {
      clearTimeout(timer);
      input.signal?.removeEventListener('abort', onExternalAbort);
    }
  }

  private remainingMs(turn: object | undefined): number {
    if (!turn) return this.options.timeoutMs;
    let deadline = this.deadlines.get(turn);
    if (deadline === undefined) {
      deadline = Date.now() + this.options.timeoutMs;
      this.deadlines.set(turn, deadline);
    }
    return deadline - Date.now();
  }

  private async spend(tenantId: string, tokens: number, now: Date): Promise<void> {
    await this.options.budget.record(tenantId, tokens, now).catch(() => undefined);
  }

  private fallback(
    tenantId: string,
    reason: FallbackReason,
    extra: Record<string, unknown> = {},
  ): AnswerOutcome {
    if (reason !== 'disabled')
      this.logger.info('llm answer not used', { tenant: tenantId, reason, ...extra });
    return { kind: 'fallback', reason };
  }
}

function reasonOf(error: unknown): FallbackReason {
  if (!isLanguageModelError(error)) return 'unavailable';
  switch (error.kind) {
    case 'aborted':
      return 'aborted';
    case 'rate_limited':
      return 'rate_limited';
    case 'invalid_output':
      return 'invalid_output';
    case 'rejected':
      return 'rejected';
    default:
      return 'unavailable';
  }
}

/** Settles as soon as the signal aborts, even if the provider's client ignores it. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(new LanguageModelError('aborted', 'The language model call was aborted'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
