// How every channel gets its answer from the engine: the turn, raced against the channel's reply deadline
// when it has one, and — when the turn fails — the degraded answer (the counter's phone number and hours).
// One place for what used to be re-implemented by each channel: which failures are "the service is down"
// (the citizen gets the degraded answer) and which are errors of the request itself, the deadline's
// default, and what a late turn eventually delivers.
import type { Engine, TurnCommand, TurnResult } from './engine';
import { isGuichetError } from './errors';
import type { Locale } from './i18n';
import type { IncomingMessage, Reply } from './messages';

/** Below Twilio's 15 s webhook timeout; TWILIO_REPLY_DEADLINE_MS overrides it. */
export const DEFAULT_REPLY_DEADLINE_MS = 8000;

/** The store or the state is down, or the conversation stayed locked: not the citizen's fault, worth a helpful answer. */
export const isServiceUnavailable = (error: unknown): boolean =>
  isGuichetError(error) && (error.code === 'DEPENDENCY_UNAVAILABLE' || error.code === 'LOCK_TIMEOUT');

/** What a settled turn gives a channel. */
export type SettledAnswer =
  | { kind: 'replies'; result: TurnResult }
  /**
   * The turn failed. `replies` is the degraded answer; `unavailable` says whether the service was down
   * (a JSON channel answers 503 with the replies) or the failure is something else (it answers the error;
   * a webhook that cannot show an error, Twilio's, still says the degraded answer).
   */
  | { kind: 'failed'; error: unknown; unavailable: boolean; replies: Reply[] };

export type Answer =
  | SettledAnswer
  /** The deadline passed first: answer now, deliver `later` (it never rejects) by another way. */
  | { kind: 'late'; later: Promise<SettledAnswer> };

export interface AnswerOptions {
  /** Without one, the answer waits for the turn. */
  deadlineMs?: number;
  /** The language of the degraded answer (default: the message's, else French). */
  locale?: Locale;
  /** A channel command handled as a turn (engine.handleTurn's second argument). */
  command?: TurnCommand;
}

export function answerTurn(
  engine: Engine,
  input: IncomingMessage,
  options: AnswerOptions = {},
): Promise<Answer> {
  const settled: Promise<SettledAnswer> = engine.handleTurn(input, options.command).then(
    (result) => ({ kind: 'replies', result }),
    (error: unknown) => ({
      kind: 'failed',
      error,
      unavailable: isServiceUnavailable(error),
      replies: engine.degradedReplies(input.tenantId, options.locale ?? input.locale),
    }),
  );
  if (options.deadlineMs === undefined) return settled;
  const deadlineMs = options.deadlineMs;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'late', later: settled }), deadlineMs);
    void settled.then((answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}
