// What a channel can do, declared once by the channel itself (channels/<name>/definition.ts) and read
// by the core wherever behaviour depends on the medium: the engine (which channel names a turn may
// carry), the forms (location requests, photos, contact questions), the language model's answer length,
// the back office (how a citizen is reached after the conversation). The core never imports a channel:
// the composition root registers the channels' definitions here (server/container.ts →
// channels/built-in.ts) before the first turn. Adding a channel: docs/add-a-channel.md.
import { z } from 'zod';
import { GuichetError } from './errors';

/** Length of an answer on the medium: characters (SMS segments) or words (speech, screens). */
export type AnswerLimit = { unit: 'chars'; max: number } | { unit: 'words'; max: number };

export interface ChannelCapabilities {
  /** The citizen can share a position from the channel: a form asking for a place offers it. */
  sharesLocation: boolean;
  /** The citizen can send a picture: a report asks for a photo. */
  receivesMedia: boolean;
  /** The conversation's address is the citizen's phone number (no need to ask for one). */
  phoneAddress: boolean;
  /**
   * How the back office reaches the citizen outside a turn (agent messages, status changes):
   * 'push' — over the EventBus to the instance holding the connection (web chat socket, Bot Framework);
   * 'outbox' — an outbox 'notification' row, sent later by the channel's provider (SMS, WhatsApp,
   * voice → an SMS to the caller); 'none' — not reachable (terminal).
   */
  delivery: 'push' | 'outbox' | 'none';
  /** A message can reach the citizen after the conversation (status changes of their request). */
  proactive: boolean;
  /**
   * An agent's written reply reaches the citizen in this conversation. False on the phone line: once the
   * bot has handed the call over, the call has ended, and the console offers an SMS instead.
   */
  writtenReplies: boolean;
  /** The longest useful answer (SMS ≈ 3 segments, speech ≈ 15 s, screens ≈ 120 words). */
  answerLimit: AnswerLimit;
  /** A short medium: one link per answer, no "see also" list. */
  shortAnswers: boolean;
}

export interface ChannelDefinition {
  /** The name stored with conversations and requests, e.g. 'sms'. */
  name: string;
  /** For people (back office, documentation). */
  label: string;
  capabilities: ChannelCapabilities;
}

/** The database keeps any name of this shape (migration 0005); which names are valid is decided here. */
export const CHANNEL_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Where a request can come from without a conversation channel (the back office's own sources). They have no
 * capabilities: nothing is ever said to a citizen "on" them.
 */
export const REQUEST_SOURCES = ['api', 'open311', 'email', 'backoffice'] as const;

const registry = new Map<string, ChannelDefinition>();

/** Registers a channel; registering the same definition again is harmless, a different one is a bug. */
export function registerChannel(definition: ChannelDefinition): void {
  if (!CHANNEL_NAME_PATTERN.test(definition.name))
    throw new Error(`Channel name "${definition.name}" must match ${CHANNEL_NAME_PATTERN}`);
  if ((REQUEST_SOURCES as readonly string[]).includes(definition.name))
    throw new Error(`Channel name "${definition.name}" is reserved for a back-office request source`);
  const known = registry.get(definition.name);
  if (known && JSON.stringify(known) !== JSON.stringify(definition))
    throw new Error(`Channel "${definition.name}" is already registered with other capabilities`);
  registry.set(definition.name, definition);
}

export const isRegisteredChannel = (name: string): boolean => registry.has(name);

export const registeredChannels = (): ChannelDefinition[] => [...registry.values()];

/** The capabilities of a registered channel; an unregistered one is a wiring mistake, not a citizen's. */
export function channelCapabilities(name: string): ChannelCapabilities {
  const definition = registry.get(name);
  if (!definition)
    throw new GuichetError('INTERNAL', `Channel "${name}" is not registered (see docs/add-a-channel.md)`);
  return definition.capabilities;
}

/** A channel name a turn may carry: well formed and registered. */
export const ChannelNameSchema = z
  .string()
  .regex(CHANNEL_NAME_PATTERN, 'channel must be a lower-case name')
  .refine(isRegisteredChannel, { error: (issue) => `Unknown channel ${String(issue.input)}` });
