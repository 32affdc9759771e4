import { hasWords } from './words';

describe('hasWords', () => {
  it('finds whole words, at either end or inside', () => {
    expect(hasWords(' piscine de verniere ', 'piscine')).toBe(true);
    expect(hasWords(' piscine de verniere ', 'verniere')).toBe(true);
    expect(hasWords(' piscine de verniere ', 'de verniere')).toBe(true);
  });

  it('does not take part of a word for the word', () => {
    expect(hasWords(' saint jeanne ', 'saint jean')).toBe(false);
    expect(hasWords(' lesaint jean ', 'saint jean')).toBe(false);
  });

  it('keeps looking past an occurrence inside a longer word', () => {
    expect(hasWords(' saint jeanne puis saint jean ', 'saint jean')).toBe(true);
  });

  it('never matches an empty name', () => {
    expect(hasWords('  ', '')).toBe(false);
  });
});
