// Bot Framework conversion, driven by botbuilder's own TestAdapter and the real engine: what a Teams or
// Web Chat user sends becomes a turn, and each neutral reply comes back as the activity that medium shows.
import type { Engine } from '../../bot/engine';
import { GuichetError } from '../../bot/errors';
import { silentLogger } from '../../bot/logger';
import type { Reply } from '../../bot/messages';
import { MemoryStateStore } from '../../adapters/memory';
import { activityToIncoming, createBotLogic, replyToActivity } from '../../channels/botframework';
import { TestAdapter, type Activity } from '../../channels/botframework/testing';
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';

// Building or closing a container (PGlite) is slow on a loaded machine (the whole suite in parallel).
const HOOK_TIMEOUT_MS = 120_000;

let container: Container;
beforeAll(async () => {
  container = await createTestContainer();
}, HOOK_TIMEOUT_MS);
afterAll(async () => {
  await container.close();
}, HOOK_TIMEOUT_MS);

const logicWith = (engine: Engine) =>
  createBotLogic({ engine, tenantOf: () => DEMO_TENANT, logger: silentLogger });

/** A TestAdapter conversation whose replies are collected (the flow API asserts one activity at a time). */
function conversation(channelId = 'webchat', engine: Engine = container.engine) {
  const replies: Partial<Activity>[] = [];
  const adapter = new TestAdapter(
    async (context) => {
      context.onSendActivities(async (_ctx, activities, next) => {
        replies.push(...activities);
        return next();
      });
      await logicWith(engine)(context);
    },
    {
      channelId,
      conversation: {
        id: `conv-${Math.random().toString(36).slice(2)}`,
        isGroup: false,
        conversationType: 'personal',
        name: '',
      },
    },
  );
  return {
    replies,
    async send(activity: string | Partial<Activity>): Promise<Partial<Activity>[]> {
      const before = replies.length;
      await adapter.send(activity).startTest();
      return replies.slice(before);
    },
  };
}

describe('a Web Chat (Direct Line) conversation through the engine', () => {
  it('answers "bonjour" with the notice then the menu as suggested actions carrying the choice values', async () => {
    const talk = conversation('webchat');
    const out = await talk.send('bonjour');
    expect(out[0]).toMatchObject({
      type: 'message',
      text: expect.stringMatching(/Vos messages sont traités/),
    });
    const menu = out.find((a) => a.suggestedActions);
    expect(menu?.text).toMatch(/Bonjour/);
    const actions = menu?.suggestedActions?.actions ?? [];
    expect(actions.map((a) => a.title)).toContain('Connaître des horaires d’ouverture');
    expect(actions.find((a) => a.title === 'Connaître des horaires d’ouverture')).toMatchObject({
      type: 'messageBack',
      text: 'Connaître des horaires d’ouverture',
      value: { choiceValue: 'intent:opening_hours' },
    });
  });

  it('takes the value of a clicked button as the choice, whatever the text', async () => {
    const talk = conversation('webchat');
    await talk.send('bonjour');
    const out = await talk.send({
      type: 'message',
      text: 'Connaître des horaires d’ouverture',
      value: { choiceValue: 'intent:opening_hours' },
    });
    const question = out.find((a) => a.suggestedActions);
    expect(question?.text).toMatch(/De quel lieu/);
    const pool = question?.suggestedActions?.actions.find((a) => /Piscine/.test(a.title));
    const hours = await talk.send({ type: 'message', text: pool!.title, value: pool!.value });
    expect(hours.map((a) => a.text).join('\n')).toMatch(
      /La piscine est (ouverte|fermée)[\s\S]*allée des Tilleuls/,
    );
  });
});

describe('a Teams conversation', () => {
  it('puts the choices on hero card buttons (Teams suggested actions carry no value)', async () => {
    const talk = conversation('msteams');
    const out = await talk.send({
      type: 'message',
      text: '<at>Guichet</at> bonjour',
      entities: [{ type: 'mention', mentioned: { id: 'bot', name: 'Guichet' }, text: '<at>Guichet</at>' }],
    });
    const card = out
      .flatMap((a) => a.attachments ?? [])
      .find((a) => a.contentType === 'application/vnd.microsoft.card.hero');
    expect(card?.content.text).toMatch(/Bonjour/);
    expect(card?.content.buttons[0]).toMatchObject({
      type: 'messageBack',
      value: { choiceValue: expect.stringMatching(/^intent:/) },
    });
  });
});

describe('activity → incoming message', () => {
  const base: Partial<Activity> = {
    type: 'message',
    id: 'act-1',
    channelId: 'msteams',
    conversation: { id: 'a:1xyz', isGroup: false, conversationType: 'personal', name: '' },
    recipient: { id: '28:bot', name: 'Guichet' },
    from: { id: '29:user', name: 'Camille' },
  };

  it('keeps the conversation id as address, conversation + activity id as idempotency key, and the language', () => {
    expect(activityToIncoming({ ...base, text: 'Bonjour', locale: 'fr-FR' }, DEMO_TENANT)).toMatchObject({
      tenantId: DEMO_TENANT,
      channel: 'botframework',
      address: 'a:1xyz',
      // Activity ids are only unique within a conversation.
      providerMessageId: 'a:1xyz|act-1',
      text: 'Bonjour',
      locale: 'fr',
    });
    expect(
      activityToIncoming({ ...base, text: 'Hello', locale: 'de-DE' }, DEMO_TENANT)?.locale,
    ).toBeUndefined();
  });

  it('removes the mention of the bot from the text', () => {
    const activity = {
      ...base,
      text: '<at>Guichet</at> horaires de la piscine',
      entities: [{ type: 'mention', mentioned: { id: '28:bot', name: 'Guichet' }, text: '<at>Guichet</at>' }],
    };
    expect(activityToIncoming(activity, DEMO_TENANT)?.text).toBe('horaires de la piscine');
  });

  it('reads a shared location and image attachments', () => {
    const message = activityToIncoming(
      {
        ...base,
        text: '',
        entities: [{ type: 'Place', geo: { latitude: 47.1, longitude: 6.02 } }],
        attachments: [
          { contentType: 'image/jpeg', contentUrl: 'https://files.example/photo.jpg' },
          { contentType: 'text/plain', contentUrl: 'javascript:alert(1)' },
        ],
      },
      DEMO_TENANT,
    );
    expect(message?.location).toEqual({ lat: 47.1, lon: 6.02 });
    expect(message?.media).toEqual([{ url: 'https://files.example/photo.jpg', contentType: 'image/jpeg' }]);
  });

  it('ignores what is not a message with content, and bounds overlong ids', () => {
    expect(activityToIncoming({ ...base, type: 'typing' }, DEMO_TENANT)).toBeUndefined();
    expect(activityToIncoming({ ...base, text: '   ' }, DEMO_TENANT)).toBeUndefined();
    const long = activityToIncoming(
      { ...base, text: 'x', conversation: { ...base.conversation!, id: 'c'.repeat(400) } },
      DEMO_TENANT,
    );
    expect(long?.address).toMatch(/^h_[A-Za-z0-9_-]{43}$/);
  });
});

describe('neutral reply → activity', () => {
  it.each<[string, Reply, (a: Partial<Activity>) => void]>([
    [
      'a text',
      { type: 'text', text: 'Bonjour' },
      (a) => expect(a).toMatchObject({ type: 'message', text: 'Bonjour' }),
    ],
    [
      'a link, as text with its URL',
      { type: 'link', text: 'Le formulaire :', url: 'https://val-de-loue.example/inscription' },
      (a) => expect(a.text).toBe('Le formulaire : https://val-de-loue.example/inscription'),
    ],
    [
      'a card, as a hero card with its fields and its link button',
      {
        type: 'card',
        title: 'Demande DEM-2026-000042',
        text: 'Lampadaire en panne',
        fields: [{ label: 'Statut', value: 'en cours' }],
        link: { label: 'Suivre', url: 'https://x.example/s' },
      },
      (a) => {
        const card = a.attachments?.[0];
        expect(card?.contentType).toBe('application/vnd.microsoft.card.hero');
        expect(card?.content).toMatchObject({
          title: 'Demande DEM-2026-000042',
          text: 'Lampadaire en panne\nStatut : en cours',
        });
        expect(card?.content.buttons).toEqual([
          expect.objectContaining({ type: 'openUrl', value: 'https://x.example/s' }),
        ]);
      },
    ],
    [
      'a handover notice, as text',
      { type: 'handover', state: 'queued', text: 'Un agent va vous répondre.' },
      (a) => expect(a.text).toBe('Un agent va vous répondre.'),
    ],
    [
      'a location request, as text',
      { type: 'location_request', text: 'Où se trouve le problème ?' },
      (a) => expect(a.text).toMatch(/Où/),
    ],
  ])('renders %s', (_name, reply, check) => {
    check(replyToActivity(reply, 'webchat')!);
  });

  it('sends nothing for an end without text', () => {
    expect(replyToActivity({ type: 'end' }, 'webchat')).toBeUndefined();
  });
});

describe('when the store or the state is down', () => {
  it('answers with the degraded replies instead of failing the turn', async () => {
    const engine: Engine = {
      handleTurn: () => Promise.reject(new GuichetError('DEPENDENCY_UNAVAILABLE', 'Redis down')),
      degradedReplies: () => [{ type: 'text', text: 'Service indisponible, appelez le 01 99 00 10 00.' }],
      conversationState: () => Promise.reject(new GuichetError('DEPENDENCY_UNAVAILABLE', 'Redis down')),
      dialogue: container.engine.dialogue,
      forgetConversation: () => Promise.resolve(),
      askSatisfaction: () => Promise.resolve(false),
    };
    const talk = conversation('webchat', engine);
    const out = await talk.send('bonjour');
    expect(out.map((a) => a.text)).toEqual(['Service indisponible, appelez le 01 99 00 10 00.']);
  });
});

describe('conversation references', () => {
  it('are kept per conversation so an agent reply can be sent later', async () => {
    const { ConversationReferences } = await import('../../channels/botframework/conversation-references');
    const state = new MemoryStateStore();
    const references = new ConversationReferences(state, 3600);
    const logic = createBotLogic({
      engine: container.engine,
      tenantOf: () => DEMO_TENANT,
      references,
      logger: silentLogger,
    });
    const adapter = new TestAdapter(logic);
    await adapter.send('bonjour').startTest();
    const address = adapter.conversation.conversation.id;
    const saved = await references.load(DEMO_TENANT, address);
    expect(saved).toMatchObject({
      channelId: 'test',
      serviceUrl: 'https://test.com',
      conversation: { id: address },
    });
  });
});
