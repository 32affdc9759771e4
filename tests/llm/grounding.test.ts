// The facts a generated answer may only repeat, never invent, and the length rules per channel.
import { answerLimitFor, cleanGeneratedText, factsIn, fitToLimit, unsupportedFacts } from '../../bot/llm';

describe('factsIn', () => {
  it('reads hours in French and English spellings as the same time', () => {
    const times = (t: string) =>
      factsIn(t)
        .filter((f) => f.kind === 'time')
        .map((f) => f.value);
    expect(times('de 8 h 30 à 12 h, puis 14h-17h30')).toEqual(['08:30', '12:00', '14:00', '17:30']);
    expect(times('from 8:30 am to 5 pm, closed at noon')).toEqual(['08:30', '17:00', '12:00']);
  });

  it('reads prices with € or euros, before or after, and "free"', () => {
    const prices = (t: string) =>
      factsIn(t)
        .filter((f) => f.kind === 'price')
        .map((f) => f.value);
    expect(prices('4,50 € ou 2 euros, €3.20, gratuit, free')).toEqual([
      'price:4.50',
      'price:2.00',
      'price:3.20',
      'free',
      'free',
    ]);
  });

  it('does not read a phone number or a reference as hours or prices', () => {
    expect(factsIn('Appelez le 01 99 00 12 12 (DEM-2026-000123)')).toEqual([
      { kind: 'reference', value: 'DEM-2026-000123' },
      { kind: 'phone', value: '0199001212' },
    ]);
  });
});

describe('unsupportedFacts', () => {
  const passage = 'Ouvert le mercredi de 14 h à 16 h. Tarif : 4,50 €. Accueil : +33 1 99 00 12 12.';
  it('accepts what the passages say, in another spelling or language', () => {
    expect(unsupportedFacts('Wednesday 2 pm–4 pm, €4.50, call 01 99 00 12 12', [passage])).toEqual([]);
  });
  it('lists what they do not say', () => {
    expect(
      unsupportedFacts('Ouvert le jeudi jusqu’à 18 h, 5 €, gratuit pour les enfants', [passage]).map(
        (f) => f.kind,
      ),
    ).toEqual(['price', 'price', 'time', 'weekday']);
  });
});

describe('cleanGeneratedText', () => {
  it('drops links and markdown: sources are appended by our code', () => {
    expect(cleanGeneratedText('**Oui** : voir https://x.example/a ou www.y.example.\n\n- en mairie')).toBe(
      'Oui : voir ou. - en mairie',
    );
  });
});

describe('fitToLimit', () => {
  it('keeps whole sentences within the channel limit', () => {
    const text = 'Première phrase. Deuxième phrase un peu plus longue. Troisième.';
    expect(fitToLimit(text, { unit: 'chars', max: 40 })).toBe('Première phrase.');
    expect(fitToLimit(text, { unit: 'words', max: 100 })).toBe(text);
    expect(
      fitToLimit('Une seule phrase beaucoup trop longue pour la limite.', { unit: 'words', max: 3 }),
    ).toBeUndefined();
  });

  it('uses 450 characters on SMS, 40 words on voice, 120 words on screens', () => {
    expect(answerLimitFor('sms')).toEqual({ unit: 'chars', max: 450 });
    expect(answerLimitFor('voice')).toEqual({ unit: 'words', max: 40 });
    expect(answerLimitFor('webchat')).toEqual({ unit: 'words', max: 120 });
  });
});
