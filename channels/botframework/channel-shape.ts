// What the composition root holds of the Bot Framework channel, enabled or not: its own module so that
// channel.ts and disabled.ts both name it without importing each other (no import cycle).
import type { Router } from 'express';

export interface BotFrameworkChannel {
  /** Mount at /api/messages. */
  router: Router;
  /** Listens to `botframework:*` pushes (call once at start). */
  start(): Promise<void>;
  close(): Promise<void>;
  readonly enabled: boolean;
}
