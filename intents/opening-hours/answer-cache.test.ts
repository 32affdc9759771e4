// The opening-hours answers cached per territory: the same question within a minute is computed once; a new
// minute starts afresh (an answer about "now" may have changed), and what earlier minutes computed is let go.
import type { Territory } from '../../knowledge/territory';
import { cachedAnswer } from './answer-cache';

const territory = { id: 'test' } as Territory;
const at = (time: string) => new Date(`2026-12-07T${time}Z`);

it('computes a question once per minute, and again when the minute has changed', () => {
  let computed = 0;
  const answer = (now: Date) =>
    cachedAnswer(territory, now, 'status|mairie|fr', () => `ouvert (${++computed})`);
  expect(answer(at('10:00:05'))).toBe('ouvert (1)');
  expect(answer(at('10:00:59'))).toBe('ouvert (1)');
  expect(answer(at('10:01:00'))).toBe('ouvert (2)');
  // The earlier minute is not kept: asked again (a test clock going back), it is computed again.
  expect(answer(at('10:00:30'))).toBe('ouvert (3)');
});

it('keeps questions apart within a minute', () => {
  const other = { id: 'other' } as Territory;
  const now = at('11:00:00');
  expect(cachedAnswer(territory, now, 'status|mairie|fr', () => 'ouverte')).toBe('ouverte');
  expect(cachedAnswer(territory, now, 'status|mairie|en', () => 'open')).toBe('open');
  expect(cachedAnswer(other, now, 'status|mairie|fr', () => 'fermée')).toBe('fermée');
  expect(cachedAnswer(territory, now, 'status|mairie|fr', () => 'recalculée')).toBe('ouverte');
});
