// The SMS pages still to send after a long answer (channels/render/sms-pages.ts), until the citizen
// replies "SUITE". Kept in the conversation state store (Redis in production), not in process memory:
// the next message may reach another instance. A new answer replaces them; they expire after a few hours
// (a "SUITE" the next day is not about that answer) and are erased with the conversation's state.
//
// The pages carry the provider id of the message whose answer they continue. A dialogue turn records its
// message id as the conversation state's `lastMessageId`, and "SUITE" (a command: it leaves the state as it
// was) serves pages only when their id is that one. So after an answer without pages, those of an earlier
// answer are already out of date: the router need not read or delete them on every SMS turn (a Redis round
// trip), and they go when "SUITE" finds them stale or when they expire.
import type { TurnCommand } from '../../bot/engine';
import { GuichetError } from '../../bot/errors';
import { phrase, say } from '../../bot/i18n';
import type { ConversationStateStore, JsonObject } from '../../bot/ports';
import { channelStateKey } from '../../bot/state';

const PAGES_TTL_S = 6 * 3600;
const MAX_PAGES = 20;

export class SmsPages {
  constructor(private readonly store: ConversationStateStore) {}

  private key(conversationId: string): string {
    return channelStateKey(conversationId, 'sms-pages');
  }

  private async read(
    conversationId: string,
  ): Promise<{ pages: string[]; after: string | undefined; version: number }> {
    const stored = await this.store.get(this.key(conversationId));
    const pages = stored?.data.pages;
    const list = Array.isArray(pages) ? pages.filter((p): p is string => typeof p === 'string') : [];
    const after = stored?.data.after;
    return {
      pages: list,
      after: typeof after === 'string' ? after : undefined,
      version: stored?.version ?? 0,
    };
  }

  /**
   * The pages of the latest answer, the answer to message `after`, replacing whatever an earlier answer left
   * (none: forgotten).
   */
  async replace(conversationId: string, pages: readonly string[], after: string): Promise<void> {
    const { pages: before, version } = await this.read(conversationId);
    if (pages.length === 0) {
      if (before.length > 0) await this.store.delete(this.key(conversationId));
      return;
    }
    await this.write(conversationId, pages.slice(0, MAX_PAGES), after, version);
  }

  /**
   * Takes the next page, if any, of the answer to message `lastMessageId` (the conversation state's). Pages
   * stored without that id were written before ids were kept, by a router that always replaced them: current.
   */
  async next(conversationId: string, lastMessageId: string | null): Promise<string | undefined> {
    const { pages, after, version } = await this.read(conversationId);
    if (after !== undefined && after !== lastMessageId) {
      if (pages.length > 0) await this.store.delete(this.key(conversationId));
      return undefined;
    }
    const [page, ...rest] = pages;
    if (page === undefined) return undefined;
    if (rest.length === 0) await this.store.delete(this.key(conversationId));
    else await this.write(conversationId, rest, after, version);
    return page;
  }

  private async write(
    conversationId: string,
    pages: readonly string[],
    after: string | undefined,
    version: number,
  ): Promise<void> {
    const data: JsonObject = after === undefined ? { pages: [...pages] } : { pages: [...pages], after };
    try {
      await this.store.set(this.key(conversationId), data, version, PAGES_TTL_S);
    } catch (error) {
      // Two writes at once (a retried webhook): the other one's pages are as good as ours.
      if (error instanceof GuichetError && error.code === 'STALE_STATE') return;
      throw error;
    }
  }

  /**
   * "SUITE" as a command of this channel, run under the conversation's lock like STOP: the next page, or,
   * when nothing is left, a short answer rather than letting the dialogue guess what "suite" means.
   * `onServed` tells the router the reply is a stored page, so it does not replace the pages left.
   */
  command(onServed: () => void): TurnCommand {
    return async (ctx) => {
      onServed();
      const page = await this.next(ctx.conversation.id, ctx.state.lastMessageId);
      const text =
        page ??
        say(
          phrase(
            'Il n’y a pas de suite : tout vous a été envoyé. Que puis-je faire pour vous ?',
            'There is nothing more: everything has been sent. What can I do for you?',
          ),
          ctx.state.locale,
        );
      return { replies: [{ type: 'text', text }] };
    };
  }
}
