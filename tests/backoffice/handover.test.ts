// Human handover as the citizen lives it: "je veux parler à un agent" during the agents' hours joins the
// queue; outside them the citizen is told when agents are back and offered a callback or an SMS follow-up
// (the choice reaches the agents with the summary); two misunderstandings offer a human; while an agent
// owns the conversation, the bot is silent and the agents' feed gets every message.
import request from 'supertest';
import type { Container } from '../../server/container';
import { talk } from '../support/conversation';
import { DEMO_TENANT } from '../support/harness';
import {
  IN_HOURS,
  OUT_OF_HOURS,
  backofficeContainer,
  bearer,
  issueToken,
  record,
  rows,
  eventually,
  CONTAINER_TIMEOUT_MS,
} from './support';

describe('human handover', () => {
  let container: Container;
  beforeAll(async () => {
    container = await backofficeContainer();
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  const owner = async (conversationId: string) =>
    (
      await rows<{ owner: string }>(container, 'SELECT owner FROM conversations WHERE id = $1', [
        conversationId,
      ])
    )[0]?.owner;
  const handover = async (conversationId: string) =>
    (
      await rows<{ payload: { summary: Record<string, unknown> } }>(
        container,
        `SELECT payload FROM outbox WHERE kind = 'conversation.handover' AND payload ->> 'conversationId' = $1 ORDER BY id DESC LIMIT 1`,
        [conversationId],
      )
    )[0]?.payload.summary;

  it('during the agents’ hours, joins the queue with a summary', async () => {
    const chat = talk(container.engine, { now: IN_HOURS });
    let conversationId = '';
    await chat
      .send('je veux parler à un agent')
      .expectReply(/transmets votre demande à un agent/)
      .check((r) => {
        conversationId = r.conversationId;
      });
    expect(await owner(conversationId)).toBe('queue');
    // Nothing but the request for a person was written: no question to hand over.
    expect(await handover(conversationId)).toMatchObject({ question: null, form: null });
  });

  it('outside the hours, says when agents are back and offers a callback, by phone number', async () => {
    const chat = talk(container.engine, { now: OUT_OF_HOURS });
    let conversationId = '';
    await chat
      .send('je voudrais parler à quelqu’un')
      .expectReply(/ne sont pas disponibles/)
      .expectReply(/lundi 16 mars à 9 h/)
      .expectChoices(/rappelé/, /SMS/, /message/)
      .check(async (r) => {
        conversationId = r.conversationId;
        expect(await owner(r.conversationId)).toBe('bot'); // not queued until the citizen chose
      })
      .choose(/rappelé/)
      .expectReply(/quel numéro/)
      .send('c’est le 06 12 34 56 78')
      .expectReply(/un agent vous rappellera \(06 12 34 56 78\) à partir de lundi 16 mars à 9 h/);
    expect(await owner(conversationId)).toBe('queue');
    expect(await handover(conversationId)).toMatchObject({
      outsideHours: true,
      nextAgentsOpening: '2026-03-16T08:00:00.000Z',
      followUp: { kind: 'callback', phone: '+33612345678' },
    });
  });

  it('outside the hours, on SMS, the follow-up goes to the number that wrote', async () => {
    const chat = talk(container.engine, { now: OUT_OF_HOURS, channel: 'sms', address: '+33655443322' });
    let conversationId = '';
    await chat
      .send('je veux parler à un conseiller')
      .expectReply(/ne sont pas disponibles/)
      .send('2')
      .expectReply(/répondra par SMS/)
      .check((r) => {
        conversationId = r.conversationId;
      });
    expect(await handover(conversationId)).toMatchObject({
      followUp: { kind: 'sms', phone: '+33655443322' },
    });
  });

  it('after two misunderstandings, offers a person', async () => {
    await talk(container.engine, { now: IN_HOURS })
      .send('qsdfgh jklm')
      .expectReply(/pas sûr d’avoir compris/)
      .send('azerty uiop')
      .expectReply(/voulez-vous parler à un agent/i)
      .choose(/Parler à un agent/)
      .expectReply(/transmets votre demande à un agent/);
  });

  it('while queued or taken over, the bot is silent and the agents get every message', async () => {
    const agents = await record(container, `agents:${DEMO_TENANT}`);
    const agent = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT });
    try {
      const chat = talk(container.engine, { now: IN_HOURS });
      let conversationId = '';
      await chat.send('je veux parler à un agent').check((r) => {
        conversationId = r.conversationId;
      });
      await chat.send('c’est pour une facture').check((r) => {
        expect(r).toMatchObject({ forwardedToAgent: true, replies: [] });
      });
      await eventually(
        () => agents.events.find((e) => (e as { text?: string }).text === 'c’est pour une facture'),
        'the queued message',
      );
      expect(
        (
          await request(container.app)
            .post(`/api/v1/conversations/${conversationId}/takeover`)
            .set(bearer(agent.token))
        ).status,
      ).toBe(200);
      await chat.send('vous êtes là ?').check((r) => {
        expect(r.replies).toEqual([]);
      });
      await eventually(
        () =>
          agents.events.find(
            (e) =>
              (e as { text?: string; owner?: string }).text === 'vous êtes là ?' &&
              (e as { owner?: string }).owner === 'agent',
          ),
        'the message to the agent',
      );
    } finally {
      await agents.stop();
    }
  });

  it('an agent who takes over a conversation the bot was having gets the next message; the bot is silent', async () => {
    // The engine keeps a copy of the conversation between turns: the takeover, done in the console, must win.
    const agent = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT });
    const chat = talk(container.engine, { now: IN_HOURS });
    let conversationId = '';
    await chat
      .send('quels sont les horaires de la mairie ?')
      .expectReply(/mairie/i)
      .check((r) => {
        conversationId = r.conversationId;
      });
    const takeover = await request(container.app)
      .post(`/api/v1/conversations/${conversationId}/takeover`)
      .set(bearer(agent.token));
    expect(takeover.status).toBe(200);
    await chat.send('et le samedi ?').check((r) => {
      expect(r).toMatchObject({ conversationId, forwardedToAgent: true, replies: [] });
    });
    const said = await rows<{ direction: string; text: string }>(
      container,
      'SELECT direction, text FROM messages WHERE conversation_id = $1 ORDER BY created_at, id',
      [conversationId],
    );
    expect(said.filter((m) => m.text === 'et le samedi ?')).toHaveLength(1);
    expect(said.at(-1)).toMatchObject({ direction: 'in', text: 'et le samedi ?' });
    // Released, the bot answers again.
    const release = await request(container.app)
      .post(`/api/v1/conversations/${conversationId}/release`)
      .set(bearer(agent.token));
    expect(release.status).toBe(200);
    await chat.send('et le dimanche ?').check((r) => {
      expect(r.forwardedToAgent).toBeUndefined();
      expect(r.replies.length).toBeGreaterThan(0);
    });
  });
});
