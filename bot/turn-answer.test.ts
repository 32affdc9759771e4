// answerTurn: what every channel gets from the engine — the replies, the degraded answer and whether the
// service was down, or "late" with the answer to deliver later.
import type { Engine, TurnResult } from './engine';
import { GuichetError } from './errors';
import type { IncomingMessage } from './messages';
import { answerTurn } from './turn-answer';

const message: IncomingMessage = { tenantId: 't', channel: 'webchat', address: 'a', text: 'bonjour' };
const degraded = [{ type: 'text' as const, text: 'Appelez l’accueil.' }];

function engineAnswering(turn: () => Promise<TurnResult>): Engine {
  return {
    handleTurn: turn,
    degradedReplies: () => degraded,
    conversationState: () => Promise.reject(new Error('unused')),
    forgetConversation: () => Promise.resolve(),
    askSatisfaction: () => Promise.resolve(false),
    dialogue: undefined as unknown as Engine['dialogue'],
  };
}

it('gives the replies of a turn', async () => {
  const result = { conversationId: 'c', replies: [{ type: 'text' as const, text: 'Bonjour !' }] };
  expect(
    await answerTurn(
      engineAnswering(() => Promise.resolve(result)),
      message,
    ),
  ).toEqual({
    kind: 'replies',
    result,
  });
});

it('gives the degraded answer when the service is down, and says it was down', async () => {
  const down = new GuichetError('DEPENDENCY_UNAVAILABLE', 'Redis down');
  expect(
    await answerTurn(
      engineAnswering(() => Promise.reject(down)),
      message,
    ),
  ).toMatchObject({
    kind: 'failed',
    unavailable: true,
    replies: degraded,
  });
  const bad = new GuichetError('BAD_REQUEST', 'Invalid incoming message');
  expect(
    await answerTurn(
      engineAnswering(() => Promise.reject(bad)),
      message,
    ),
  ).toMatchObject({
    kind: 'failed',
    unavailable: false,
    error: bad,
  });
});

it('past the deadline answers "late", and later delivers the outcome without ever rejecting', async () => {
  let fail!: (error: unknown) => void;
  const pending = new Promise<TurnResult>((_resolve, reject) => (fail = reject));
  const answer = await answerTurn(
    engineAnswering(() => pending),
    message,
    { deadlineMs: 0 },
  );
  expect(answer.kind).toBe('late');
  fail(new GuichetError('LOCK_TIMEOUT', 'still locked'));
  if (answer.kind !== 'late') throw new Error('expected late');
  expect(await answer.later).toMatchObject({ kind: 'failed', unavailable: true, replies: degraded });
});
