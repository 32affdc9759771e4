// Contract of ConversationDirectory: the agents' queue and transcripts of their own tenant only, and the
// changes they make (take over, reply, close) dated and written together.
import type { ConversationDirectory, ConversationUpdate } from '../../backoffice/ports';
import { everywhere, newTenant, seed, tenantScope, type Db } from './backoffice-fixture';
import { expectGuichetError } from './helpers';

const nothing: ConversationUpdate = { messages: [], outbox: [] };

export function conversationDirectoryContract(db: Db, port: () => ConversationDirectory): void {
  describe('ConversationDirectory', () => {
    it('lists the queue, the agents’ and the bot’s conversations, and the closed ones, of one tenant', async () => {
      const a = await newTenant(db);
      const b = await newTenant(db);
      const bot = await seed(db, a);
      const queued = await seed(db, a, { channel: 'webchat', conversation: { owner: 'queue' } });
      const closed = await seed(db, a, { conversation: { status: 'closed' } });
      await seed(db, b, { conversation: { owner: 'queue' } });
      const ids = async (filter: Omit<Parameters<ConversationDirectory['listConversations']>[1], 'limit'>) =>
        (await port().listConversations(tenantScope(a), { limit: 50, ...filter })).items.map((c) => c.id);

      expect(await ids({ state: 'queue' })).toEqual([queued.conversationId]);
      expect(await ids({ state: 'bot' })).toEqual([bot.conversationId]);
      expect(await ids({ state: 'closed' })).toEqual([closed.conversationId]);
      expect(await ids({ channel: 'webchat' })).toEqual([queued.conversationId]);
      expect(await ids({})).toEqual([closed.conversationId, queued.conversationId, bot.conversationId]);
      // The platform sees both tenants' queues.
      const all = await port().listConversations(everywhere, { limit: 500, state: 'queue' });
      expect(all.items.map((c) => c.tenantId)).toEqual(expect.arrayContaining([a, b]));
    });

    it('pages newest first without repeating a conversation, and refuses a forged cursor', async () => {
      const a = await newTenant(db);
      const seeded: string[] = [];
      for (let i = 0; i < 3; i++) seeded.push((await seed(db, a)).conversationId);
      const first = await port().listConversations(tenantScope(a), { limit: 2 });
      expect(first.items.map((c) => c.id)).toEqual([seeded[2], seeded[1]]);
      const second = await port().listConversations(tenantScope(a), {
        limit: 2,
        cursor: first.nextCursor ?? 'missing',
      });
      expect(second).toEqual({ items: [expect.objectContaining({ id: seeded[0] })], nextCursor: null });
      await expectGuichetError(
        port().listConversations(tenantScope(a), { limit: 2, cursor: '!!' }),
        'BAD_REQUEST',
      );
    });

    it('shows the transcript in order, the requests and the bot’s hand-over summary', async () => {
      const a = await newTenant(db);
      const seeded = await seed(db, a, {
        requests: [{ authorityId: 'voirie' }],
        messages: [
          { direction: 'in', text: 'Je voudrais parler à quelqu’un' },
          { direction: 'out', text: 'Je vous passe un agent.' },
        ],
        conversation: { owner: 'queue' },
      });
      await db().shared.commitTurn({
        tenantId: a,
        conversationId: seeded.conversationId,
        messages: [{ direction: 'in', text: 'Toujours là ?' }],
        requests: [],
        outbox: [
          {
            kind: 'conversation.handover',
            payload: { conversationId: seeded.conversationId, summary: { reason: 'demande d’un agent' } },
            dedupeKey: `handover:${seeded.conversationId}`,
          },
        ],
      });
      const detail = await port().getConversation(tenantScope(a), seeded.conversationId);
      expect(detail).toMatchObject({
        owner: 'queue',
        status: 'open',
        handedOverAt: expect.any(String),
        requests: [{ reference: seeded.requests[0]!.reference }],
        handover: { at: expect.any(String), summary: { reason: 'demande d’un agent' } },
      });
      expect(detail?.messages.map((m) => [m.direction, m.text])).toEqual([
        ['in', 'Je voudrais parler à quelqu’un'],
        ['out', 'Je vous passe un agent.'],
        ['in', 'Toujours là ?'],
      ]);
    });

    it('hides another tenant’s conversation and never asks the plan for it', async () => {
      const a = await newTenant(db);
      const b = await newTenant(db);
      const { conversationId } = await seed(db, a, { conversation: { owner: 'queue' } });
      const plan = jest.fn(() => nothing);
      expect(await port().getConversation(tenantScope(b), conversationId)).toBeNull();
      expect(await port().updateConversation(tenantScope(b), conversationId, plan)).toBeNull();
      expect(await port().updateConversation(tenantScope(b), 'not-a-uuid', plan)).toBeNull();
      expect(plan).not.toHaveBeenCalled();
      expect((await port().getConversation(tenantScope(a), conversationId))?.owner).toBe('queue');
    });

    it('dates the take-over, the first agent reply and the closing, and writes messages and outbox rows', async () => {
      const a = await newTenant(db);
      const { conversationId } = await seed(db, a, { conversation: { owner: 'queue' } });
      const [agent] = await db().query(
        `INSERT INTO agents (tenant_id, name) VALUES ($1, 'Lou') RETURNING id`,
        [a],
      );
      const agentId = String(agent?.id);
      const taken = await port().updateConversation(tenantScope(a), conversationId, (current) => {
        expect(current.owner).toBe('queue');
        return { ...nothing, owner: 'agent', agentId };
      });
      expect(taken).toMatchObject({ owner: 'agent', agentId, firstAgentReplyAt: null, status: 'open' });

      const replied = await port().updateConversation(tenantScope(a), conversationId, () => ({
        messages: [{ direction: 'agent', text: 'Bonjour, je m’en occupe.', agentId }],
        outbox: [
          {
            kind: 'notification',
            payload: { conversationId, text: 'Bonjour, je m’en occupe.' },
            dedupeKey: `agent-reply:${conversationId}:1`,
          },
        ],
      }));
      expect(replied?.firstAgentReplyAt).toEqual(expect.any(String));
      expect(replied?.lastMessage).toMatchObject({ direction: 'agent', text: 'Bonjour, je m’en occupe.' });

      const closed = await port().updateConversation(tenantScope(a), conversationId, () => ({
        ...nothing,
        owner: 'bot',
        agentId: null,
        status: 'closed',
      }));
      expect(closed).toMatchObject({
        owner: 'bot',
        agentId: null,
        status: 'closed',
        closedAt: expect.any(String),
        firstAgentReplyAt: replied?.firstAgentReplyAt,
        handedOverAt: taken?.handedOverAt,
      });
      const outbox = await db().query('SELECT kind FROM outbox WHERE dedupe_key = $1', [
        `agent-reply:${conversationId}:1`,
      ]);
      expect(outbox).toEqual([{ kind: 'notification' }]);
    });
  });
}
