// Conversation tests that read as scripts, botbuilder TestFlow style:
//   await talk(engine).send('bonjour').expectReply(/horaires/).send('2').expectReply(/piscine/);
// Every step runs the real engine in-process; the chain is awaited once at the end.
import type { Engine, TurnResult } from '../../bot/engine';
import { replyToPlainText, type Channel, type IncomingMessage, type Reply } from '../../bot/messages';

export interface TalkOptions {
  tenantId?: string;
  channel?: Channel;
  address?: string;
  /** The instant of every turn (fixed, so answers about "today" are deterministic). */
  now?: Date;
}

type Extra = Partial<Omit<IncomingMessage, 'text' | 'tenantId' | 'channel' | 'address'>>;

export class Talk implements PromiseLike<void> {
  private chain: Promise<unknown> = Promise.resolve();
  private last: TurnResult | undefined;
  readonly transcript: { user: string; bot: string[] }[] = [];
  private counter = 0;

  constructor(
    private readonly engine: Engine,
    readonly options: Required<Omit<TalkOptions, 'now'>> & { now?: Date },
  ) {}

  /** Sends a message (with optional extras: choiceValue, location, media, providerMessageId). */
  send(text: string, extra: Extra = {}): this {
    return this.step(async () => {
      this.counter += 1;
      this.last = await this.engine.handleTurn({
        tenantId: this.options.tenantId,
        channel: this.options.channel,
        address: this.options.address,
        text,
        receivedAt: this.options.now,
        ...extra,
      });
      this.transcript.push({ user: text, bot: this.last.replies.map(replyToPlainText) });
    });
  }

  /** Clicks the choice whose label matches (as the web chat does). */
  choose(label: RegExp | string): this {
    return this.step(async () => {
      const choice = this.lastReplies()
        .flatMap((r) => (r.type === 'choices' ? r.choices : []))
        .find((c) => (typeof label === 'string' ? c.label === label : label.test(c.label)));
      if (!choice) throw new Error(`No choice ${String(label)} in the last replies:\n${this.lastText()}`);
      this.counter += 1;
      this.last = await this.engine.handleTurn({
        tenantId: this.options.tenantId,
        channel: this.options.channel,
        address: this.options.address,
        text: choice.label,
        choiceValue: choice.value,
        receivedAt: this.options.now,
      });
      this.transcript.push({ user: `[${choice.label}]`, bot: this.last.replies.map(replyToPlainText) });
    });
  }

  /** The bot's replies to the last message, joined as text, must match. */
  expectReply(pattern: RegExp | string): this {
    return this.step(async () => {
      const text = this.lastText();
      const ok = typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
      if (!ok)
        throw new Error(
          `Expected the reply to match ${String(pattern)}, got:\n${text}\n\nConversation so far:\n${this.dump()}`,
        );
    });
  }

  expectNoReply(pattern: RegExp | string): this {
    return this.step(async () => {
      const text = this.lastText();
      const hit = typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
      if (hit) throw new Error(`Expected the reply NOT to match ${String(pattern)}, got:\n${text}`);
    });
  }

  expectChoices(...labels: (RegExp | string)[]): this {
    return this.step(async () => {
      const offered = this.lastReplies().flatMap((r) =>
        r.type === 'choices' ? r.choices.map((c) => c.label) : [],
      );
      for (const label of labels) {
        const ok = offered.some((o) => (typeof label === 'string' ? o === label : label.test(o)));
        if (!ok) throw new Error(`Expected a choice ${String(label)}, offered: ${JSON.stringify(offered)}`);
      }
    });
  }

  /** Any custom check on the last result. */
  check(fn: (result: TurnResult) => void | Promise<void>): this {
    return this.step(async () => {
      if (!this.last) throw new Error('No message sent yet');
      await fn(this.last);
    });
  }

  lastReplies(): Reply[] {
    return this.last?.replies ?? [];
  }

  lastText(): string {
    return this.lastReplies().map(replyToPlainText).join('\n');
  }

  dump(): string {
    return this.transcript.map((t) => `> ${t.user}\n${t.bot.map((b) => `< ${b}`).join('\n')}`).join('\n');
  }

  /** Awaiting a script runs it; the conversation object itself stays usable for more steps. */
  then<R1 = void, R2 = never>(
    onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): PromiseLike<R1 | R2> {
    return this.chain.then(() => undefined).then(onfulfilled, onrejected);
  }

  private step(fn: () => Promise<void>): this {
    this.chain = this.chain.then(fn);
    return this;
  }
}

let addresses = 0;
export function talk(engine: Engine, options: TalkOptions = {}): Talk {
  addresses += 1;
  return new Talk(engine, {
    tenantId: options.tenantId ?? 'val-de-loue',
    channel: options.channel ?? 'webchat',
    address: options.address ?? `wc_test_conversation_${process.pid}_${addresses}_${Date.now().toString(36)}`,
    now: options.now,
  });
}
