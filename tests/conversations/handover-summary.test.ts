// The hand-over summary an agent reads first: the citizen's own question (not the menu choice or the
// "parler à un agent" that asked for a person) and what the bot had collected, as people read it.
import type { Container } from '../../server/container';
import { talk } from '../support/conversation';
import {
  CONTAINER_TIMEOUT_MS,
  IN_HOURS,
  OUT_OF_HOURS,
  backofficeContainer,
  rows,
} from '../backoffice/support';
import { done } from './helpers';

let container: Container;
beforeAll(async () => {
  container = await backofficeContainer();
}, CONTAINER_TIMEOUT_MS);
afterAll(() => container.close());

const summaryOf = async (conversationId: string) =>
  (
    await rows<{ payload: { summary: Record<string, unknown> } }>(
      container,
      `SELECT payload FROM outbox WHERE kind = 'conversation.handover' AND payload ->> 'conversationId' = $1
        ORDER BY id DESC LIMIT 1`,
      [conversationId],
    )
  )[0]?.payload.summary;

describe('hand-over summary', () => {
  it('carries the question the bot could not answer, not "Laisser un message ici"', async () => {
    let conversationId = '';
    await done(
      talk(container.engine, { now: OUT_OF_HOURS })
        .send('Bonjour')
        .send('Mon voisin brûle des déchets verts tous les soirs, que puis-je faire ?')
        .send('je veux parler à un agent')
        .expectChoices(/rappelé/, /SMS/, /message/)
        .choose(/Laisser un message ici/)
        .expectReply(/un agent lira vos messages/)
        .check((r) => {
          conversationId = r.conversationId;
        }),
    );
    const summary = await summaryOf(conversationId);
    expect(summary).toMatchObject({
      question: 'Mon voisin brûle des déchets verts tous les soirs, que puis-je faire ?',
      followUp: { kind: 'message' },
    });
    expect(JSON.stringify(summary)).not.toMatch(/Laisser un message ici|parler à un agent|human_agent/);
  });

  it('carries the form under way with its filled slots labelled in French, and intents as labels', async () => {
    let conversationId = '';
    await done(
      talk(container.engine, { now: IN_HOURS })
        .send('je veux m’inscrire à la médiathèque')
        .send('Marie Durand')
        .send('parler à un agent')
        .expectReply(/transmets votre demande à un agent/)
        .check((r) => {
          conversationId = r.conversationId;
        }),
    );
    const summary = await summaryOf(conversationId);
    expect(summary).toMatchObject({
      question: 'je veux m’inscrire à la médiathèque',
      lastIntents: expect.arrayContaining([expect.stringMatching(/médiathèque/i)]),
      form: { fields: [{ label: 'Personnes à inscrire', value: 'Marie Durand' }] },
    });
    expect(summary?.lastIntents).not.toContain('library_registration');
  });
});
