// A web chat `clientMessageId` belongs to its conversation (issue 16.5): another conversation sending the
// same id neither receives the first one's recorded answer nor stops its message from being processed.
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';
import { appWebchat, type WebchatPost } from '../reliability/helpers';

const HOOK_TIMEOUT_MS = 120_000;

let container: Container;
let post: WebchatPost;
beforeAll(async () => {
  container = await createTestContainer();
  post = appWebchat(container.app);
}, HOOK_TIMEOUT_MS);
afterAll(() => container.close(), HOOK_TIMEOUT_MS);

async function inboundTexts(conversationAddress: string): Promise<string[]> {
  const conversation = await container.store.findConversation({
    tenantId: DEMO_TENANT,
    channel: 'webchat',
    address: conversationAddress,
  });
  if (!conversation) return [];
  const messages = await container.store.listMessages(DEMO_TENANT, conversation.id);
  return messages.filter((m) => m.direction === 'in').map((m) => m.text);
}

describe('web chat message ids are scoped to their conversation', () => {
  it('does not give a fresh conversation replaying a victim’s message id the victim’s answer', async () => {
    const victim = await post({ text: 'bonjour' });
    expect(victim.status).toBe(200);
    const ids = { conversationId: victim.conversationId!, token: victim.token! };
    const victimAnswer = await post({
      ...ids,
      clientMessageId: 'msg-0001',
      text: 'je veux signaler un dépôt sauvage de déchets',
    });
    expect(victimAnswer.status).toBe(200);

    const attacker = await post({ clientMessageId: 'msg-0001', text: 'bonjour' });
    expect(attacker.status).toBe(200);
    expect(attacker.conversationId).not.toBe(victim.conversationId);
    expect(attacker.text).not.toBe(victimAnswer.text);
    // The attacker's own message was processed, in its own conversation.
    expect(await inboundTexts(attacker.conversationId!)).toEqual(['bonjour']);
  });

  it('still processes the victim’s message when another conversation used its id first', async () => {
    const attacker = await post({ clientMessageId: 'msg-0002', text: 'bonjour' });
    expect(attacker.status).toBe(200);

    const victim = await post({ text: 'bonjour' });
    const ids = { conversationId: victim.conversationId!, token: victim.token! };
    const answer = await post({
      ...ids,
      clientMessageId: 'msg-0002',
      text: 'je veux signaler un dépôt sauvage de déchets',
    });
    expect(answer.status).toBe(200);
    expect(answer.text).not.toBe(attacker.text);
    expect(await inboundTexts(ids.conversationId)).toEqual([
      'bonjour',
      'je veux signaler un dépôt sauvage de déchets',
    ]);
    // And a genuine retry of the victim's message in its own conversation is still answered the same.
    const retry = await post({
      ...ids,
      clientMessageId: 'msg-0002',
      text: 'je veux signaler un dépôt sauvage de déchets',
    });
    expect(retry.text).toBe(answer.text);
    expect(await inboundTexts(ids.conversationId)).toHaveLength(2);
  });
});
