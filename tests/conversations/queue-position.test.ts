// Waiting for an agent, the citizen is told how many people wait before them (counted from the open
// conversations in the queue).
import type { Container } from '../../server/container';
import { talk } from '../support/conversation';
import { CONTAINER_TIMEOUT_MS, IN_HOURS, backofficeContainer } from '../backoffice/support';
import { done } from './helpers';

let container: Container;
beforeAll(async () => {
  container = await backofficeContainer();
}, CONTAINER_TIMEOUT_MS);
afterAll(() => container.close());

/** The number of people said to wait before the citizen, from the queued reply. */
function aheadIn(texts: string[]): number {
  const line = texts.find((t) => /avant vous/.test(t)) ?? '';
  if (/Personne n’attend avant vous/.test(line)) return 0;
  if (/Une personne attend avant vous/.test(line)) return 1;
  const m = /(\d+) personnes attendent avant vous/.exec(line);
  if (!m) throw new Error(`no queue position in: ${texts.join(' | ')}`);
  return Number(m[1]);
}

describe('queue position', () => {
  it('tells each newcomer how many wait before them', async () => {
    const said: number[] = [];
    for (let i = 0; i < 2; i++) {
      await done(
        talk(container.engine, { now: IN_HOURS })
          .send('je veux parler à un agent')
          .expectReply(/transmets votre demande à un agent/)
          .check((r) => {
            said.push(aheadIn(r.replies.map((x) => ('text' in x ? (x.text ?? '') : ''))));
          }),
      );
    }
    expect(said[1]).toBe(said[0]! + 1);
  });
});
