// The toy channel's transport: JSON in ({ tenant, from, id, text }), the replies as plain text out.
// Validates its own input (zod → 400), asks the engine through answerTurn (deadline, degraded answer).
import express, { Router } from 'express';
import { z } from 'zod';
import type { Engine } from '../../../bot/engine';
import { GuichetError } from '../../../bot/errors';
import { MAX_TEXT_LENGTH, replyToPlainText } from '../../../bot/messages';
import { answerTurn } from '../../../bot/turn-answer';
import { toyChannel } from './definition';

const ToyMessage = z.strictObject({
  tenant: z.string().min(1).max(64),
  from: z.string().min(1).max(64),
  id: z.string().min(1).max(64),
  text: z.string().trim().min(1).max(MAX_TEXT_LENGTH),
});

export function createToyRouter(deps: { engine: Engine }): Router {
  const router = Router();
  router.post('/messages', express.json({ limit: '8kb' }), async (req, res) => {
    const parsed = ToyMessage.safeParse(req.body);
    if (!parsed.success) throw new GuichetError('BAD_REQUEST', 'Invalid toy message', parsed.error.issues);
    const message = parsed.data;
    const answer = await answerTurn(deps.engine, {
      tenantId: message.tenant,
      channel: toyChannel.name,
      address: message.from,
      providerMessageId: message.id,
      text: message.text,
    });
    if (answer.kind === 'replies') {
      res.json({ replies: answer.result.replies.map(replyToPlainText) });
      return;
    }
    if (answer.kind === 'failed' && answer.unavailable) {
      res.status(503).json({ replies: answer.replies.map(replyToPlainText) });
      return;
    }
    throw answer.kind === 'failed' ? answer.error : new GuichetError('INTERNAL', 'No answer');
  });
  return router;
}
