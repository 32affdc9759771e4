// One comparison of secrets for every boundary (tokens, CSRF, password keys, webhook signatures): in constant
// time, so the time taken says nothing of how much of a guess was right; values of another length are simply
// unequal (node's timingSafeEqual throws on them).
import { timingSafeEqual } from 'node:crypto';

export function sameSecret(given: Buffer | string, expected: Buffer | string): boolean {
  const a = typeof given === 'string' ? Buffer.from(given) : given;
  const b = typeof expected === 'string' ? Buffer.from(expected) : expected;
  return a.length === b.length && timingSafeEqual(a, b);
}
