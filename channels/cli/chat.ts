// The terminal conversation: one line in, one turn, the replies printed as the chosen medium shows them.
// Works with piped input (no TTY): lines are handled in order, and EOF ends the conversation.
import { randomUUID } from 'node:crypto';
import readline from 'node:readline';
import type { Engine } from '../../bot/engine';
import type { Choice, Channel } from '../../bot/messages';
import type { Territory } from '../../knowledge/territory';
import { preview, type PreviewChannel, type PreviewOptions } from './preview';

export interface ChatOptions {
  engine: Engine;
  tenantId: string;
  channel: PreviewChannel;
  locale?: 'fr' | 'en';
  preview: Omit<PreviewOptions, 'locale' | 'phone'>;
  /** The territory the chat talks to and the engine's clock: the voice preview decides by the agents' hours. */
  phone?: { territory: Territory; clock?: () => Date };
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Show a prompt (interactive terminal). */
  interactive?: boolean;
}

/** Where the engine believes the conversation comes from; phone media need a phone-like address. */
const addressFor = (channel: PreviewChannel): string =>
  channel === 'webchat' ? `cli-${randomUUID()}` : '+33600000000';

export async function runChat(options: ChatOptions): Promise<void> {
  const channel: Channel = options.channel;
  const address = addressFor(options.channel);
  const write = (text: string) => options.output.write(`${text}\n`);
  const rl = readline.createInterface({ input: options.input, terminal: false });
  const prompt = () => {
    if (options.interactive) options.output.write('vous> ');
  };
  let lastChoices: Choice[] = [];
  let locale = options.locale ?? 'fr';
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line) {
      prompt();
      continue;
    }
    if (line === '/quit' || line === '/exit') break;
    // Piped input is not shown by a terminal: echo it so the transcript reads as a conversation.
    if (!options.interactive) write(`> ${line}`);
    // On the web chat a number clicks the button; on SMS/voice the engine reads "2" (or a DTMF digit) itself.
    const picked =
      options.channel === 'webchat' && /^\d{1,2}$/.test(line) ? lastChoices[Number(line) - 1] : undefined;
    try {
      const result = await options.engine.handleTurn({
        tenantId: options.tenantId,
        channel,
        address,
        text: picked ? picked.label : line,
        choiceValue: picked?.value,
        locale: options.locale,
      });
      lastChoices = result.replies.flatMap((r) => (r.type === 'choices' ? r.choices : []));
      if (!options.locale) locale = guessLocaleOf(line, locale);
      const phone = options.phone && {
        territory: options.phone.territory,
        now: options.phone.clock?.() ?? new Date(),
      };
      const shown = preview(options.channel, result.replies, { ...options.preview, locale, phone });
      if (shown) write(shown);
      else if (result.forwardedToAgent) write('(message transmis à un agent)');
      write('');
    } catch (error) {
      write(`! ${error instanceof Error ? error.message : String(error)}`);
    }
    prompt();
  }
  rl.close();
}

/** The renderers add a few words themselves ("Répondez 1 ou 2"): follow the language the citizen writes in. */
function guessLocaleOf(line: string, current: 'fr' | 'en'): 'fr' | 'en' {
  if (line.split(/\s+/).length < 3) return current;
  const en = (line.match(/\b(the|what|when|where|is|are|my|i|you|hours|please)\b/gi) ?? []).length;
  const fr = (line.match(/\b(le|la|les|quels?|quelles?|est|sont|mon|ma|je|vous|horaires)\b/gi) ?? []).length;
  return en > fr ? 'en' : fr > en ? 'fr' : current;
}
