import { REFERENCE_ALPHABET, isReference, newReference, referencesInText } from './references';

describe('request references', () => {
  it('are random codes of six characters without look-alikes, never in sequence', () => {
    const made = Array.from({ length: 2000 }, () => newReference('2026'));
    for (const ref of made) {
      expect(ref).toMatch(/^DEM-2026-[2-9A-HJKMNP-Z]{6}$/);
      expect(isReference(ref)).toBe(true);
    }
    // 31^6 codes: 2,000 of them repeat one another once in ~450 runs (the birthday bound; the store refuses a
    // taken one and draws again), twice or more once in ~400,000; a code of less entropy repeats by the dozen.
    expect(made.length - new Set(made).size).toBeLessThanOrEqual(1);
    // Two references made one after the other share no predictable relation (not n and n+1).
    const serials = made.map((r) => r.slice(-6));
    const successive = serials.filter((s, i) => i > 0 && s > serials[i - 1]!).length;
    expect(successive).toBeGreaterThan(made.length * 0.3);
    expect(successive).toBeLessThan(made.length * 0.7);
    expect(REFERENCE_ALPHABET).not.toMatch(/[01OIL]/);
  });

  it('still accepts the old counter-made references', () => {
    expect(isReference('DEM-2026-000123')).toBe(true);
    expect(isReference('DEM-2026-0001')).toBe(false);
    expect(isReference('DEM-2026-7K3M9O')).toBe(false);
  });

  it('finds both kinds in a text', () => {
    expect('voir DEM-2026-7K3M9P et DEM-2025-000042.'.match(referencesInText())).toEqual([
      'DEM-2026-7K3M9P',
      'DEM-2025-000042',
    ]);
  });
});
