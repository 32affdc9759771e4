import { speakable, spellReference } from './voice';

describe('references read aloud on the phone', () => {
  it('spells every character so the caller can note it', () => {
    expect(spellReference('DEM-2026-7K3M9P')).toBe('D, E, M, 2026, 7, K, 3, M, 9, P');
    expect(spellReference('DEM-2026-000123')).toBe('D, E, M, 2026, 0, 0, 0, 1, 2, 3');
  });

  it('spells it inside a sentence', () => {
    expect(speakable('Votre demande DEM-2026-7K3M9P est enregistrée')).toContain(
      'D, E, M, 2026, 7, K, 3, M, 9, P',
    );
  });
});
