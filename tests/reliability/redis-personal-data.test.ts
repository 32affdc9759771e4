// What Redis holds about a citizen (issue 16.4, Redis side): no key name shows a channel address, and
// once the engine forgets a conversation (erasure of the contact), no key or value holds anything the
// citizen typed: state, lock, fencing counter, claims and recorded answers are gone.
import request from 'supertest';
import { closeClient, createRedisClient, type RedisClient } from '../../adapters/redis';
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';
import { describeWith, redisUrl, uniqueSuffix } from '../support/services';

const ADMIN_TOKEN = 'test-admin-token-redis-personal-data-0123';

describeWith('redis', 'personal data in Redis', () => {
  const keyPrefix = `test:${uniqueSuffix()}:`;
  let container: Container;
  let client: RedisClient;

  beforeAll(async () => {
    container = await createTestContainer(
      { REDIS_URL: redisUrl(), RATE_LIMITS_ENABLED: 'false', ADMIN_TOKEN },
      { redisKeyPrefix: keyPrefix },
    );
    client = createRedisClient(redisUrl());
  }, 120_000);
  afterAll(async () => {
    const keys = await client.keys(`${keyPrefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await Promise.allSettled([closeClient(client), container.close()]);
  }, 120_000);

  /** Every key under the test prefix with its value, whatever its type. */
  async function dump(): Promise<{ key: string; value: string }[]> {
    const keys = await client.keys(`${keyPrefix}*`);
    return Promise.all(
      keys.map(async (key) => {
        const type = await client.type(key);
        const value =
          type === 'string'
            ? ((await client.get(key)) ?? '')
            : type === 'hash'
              ? JSON.stringify(await client.hgetall(key))
              : type === 'list'
                ? JSON.stringify(await client.lrange(key, 0, -1))
                : type === 'zset'
                  ? JSON.stringify(await client.zrange(key, '0', '-1'))
                  : '';
        return { key, value };
      }),
    );
  }

  it('keeps addresses out of key names, and forgets everything of an erased conversation', async () => {
    const phone = `+3361${Date.now().toString().slice(-7)}`;
    const planted = ['Rosalinde Vautrin-Quessac', 'rosalinde.vq@example.org', phone];
    const turn = (sid: string, text: string, location?: { lat: number; lon: number }) =>
      container.engine.handleTurn({
        tenantId: DEMO_TENANT,
        channel: 'sms',
        address: phone,
        providerMessageId: `SM${sid}${uniqueSuffix()}`,
        text,
        location,
      });
    await turn('a', 'bonjour');
    await turn('b', 'je voudrais signaler un lampadaire en panne');
    await turn('c', 'ma position', { lat: 47.09, lon: 6.09 });
    await turn('c2', 'Vernière');
    const last = await turn('d', `Devant chez ${planted[0]} (${planted[1]}), le lampadaire clignote`);

    const before = await dump();
    expect(before.length).toBeGreaterThan(0);
    const digits = phone.slice(1);
    expect(before.filter(({ key }) => key.includes(digits) || key.includes(phone))).toEqual([]);
    // The conversation state and the recorded answers hold what the citizen typed: they go with the contact.
    expect(before.some(({ value }) => value.includes('Rosalinde'))).toBe(true);

    // The contact's erasure, as a data protection officer asks for it through the API.
    const conversation = await container.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: phone,
    });
    const erased = await request(container.app)
      .post(`/api/v1/contacts/${conversation!.contactId}/erase?tenant=${DEMO_TENANT}`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .expect(200);
    expect(erased.body.conversations).toEqual([last.conversationId]);
    expect(JSON.stringify(erased.body)).not.toContain(digits); // the address read for erasure is never shown
    const after = await dump();
    const leaks = after.filter(({ key, value }) =>
      planted.some((p) => key.includes(p) || value.includes(p) || value.includes(digits)),
    );
    expect(leaks).toEqual([]);
    expect(after.filter(({ key }) => key.includes(last.conversationId))).toEqual([]);
  });
});
