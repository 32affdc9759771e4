import {
  fitsSegments,
  isGsm7,
  isGsm7Char,
  joinSizes,
  nonGsm7Chars,
  sizeOf,
  smsSegments,
  transliterateToGsm7,
} from './gsm7';

describe('GSM 03.38 alphabet', () => {
  it.each([
    'é',
    'è',
    'à',
    'ù',
    'ì',
    'ò',
    'É',
    'Ç',
    'ñ',
    'Ñ',
    'ü',
    'Ü',
    'ä',
    'ö',
    'Ä',
    'Ö',
    'å',
    'ø',
    'æ',
    'ß',
    '@',
    '£',
    '¤',
    '§',
    '¿',
    '¡',
  ])('%s is in the default alphabet', (ch) => {
    expect(isGsm7Char(ch)).toBe(true);
  });

  it.each(['€', '[', ']', '{', '}', '\\', '^', '~', '|'])('%s is in the extension table', (ch) => {
    expect(isGsm7Char(ch)).toBe(true);
    // An extension character costs two septets.
    expect(smsSegments(ch).units).toBe(2);
  });

  it.each([
    'ç',
    'ê',
    'â',
    'î',
    'ô',
    'û',
    'ë',
    'ï',
    'œ',
    'À',
    'È',
    'Ê',
    '’',
    '“',
    '”',
    '«',
    '»',
    '…',
    '–',
    '\u00A0',
    '😀',
  ])('%s is not GSM-7', (ch) => {
    expect(isGsm7Char(ch)).toBe(false);
  });

  it('only the capital C cedilla is GSM-7', () => {
    expect(isGsm7('Ça va')).toBe(true);
    expect(isGsm7('ça va')).toBe(false);
  });

  it('names the characters that force UCS-2', () => {
    expect(nonGsm7Chars('Je suis l’assistant de la mairie, « bienvenue » ça va ?')).toEqual([
      '’',
      '«',
      '»',
      'ç',
    ]);
    expect(nonGsm7Chars('Votre demande a été enregistrée à 14 h.')).toEqual([]);
  });
});

describe('segment arithmetic', () => {
  const a = (n: number) => 'a'.repeat(n);

  it.each([
    [a(1), 'GSM-7', 1, 1],
    [a(160), 'GSM-7', 160, 1],
    [a(161), 'GSM-7', 161, 2],
    [a(306), 'GSM-7', 306, 2],
    [a(307), 'GSM-7', 307, 3],
    [a(459), 'GSM-7', 459, 3],
    [a(460), 'GSM-7', 460, 4],
    ['é'.repeat(160), 'GSM-7', 160, 1],
    ['€'.repeat(80), 'GSM-7', 160, 1],
    ['€'.repeat(81), 'GSM-7', 162, 2],
    [`ç${a(69)}`, 'UCS-2', 70, 1],
    [`ç${a(70)}`, 'UCS-2', 71, 2],
    [`ç${a(133)}`, 'UCS-2', 134, 2],
    [`ç${a(134)}`, 'UCS-2', 135, 3],
    ['😀'.repeat(35), 'UCS-2', 70, 1],
    ['😀'.repeat(36), 'UCS-2', 72, 2],
  ] as const)('%#: %s → %s, %i units, %i segment(s)', (text, encoding, units, segments) => {
    expect(smsSegments(text)).toEqual({ encoding, units, segments });
  });

  it('never splits an escaped character across two parts', () => {
    // 152 + 2 + 152 = 306 septets, which would be 2 parts if the € could be split; it cannot.
    expect(smsSegments(`${a(152)}€${a(152)}`)).toEqual({ encoding: 'GSM-7', units: 306, segments: 3 });
  });

  it('never splits a surrogate pair across two parts', () => {
    // 66 + 2 + 66 = 134 units: 2 parts of 67 in theory, 3 because the emoji moves to the second part.
    expect(smsSegments(`${a(66)}😀${a(66)}`)).toEqual({ encoding: 'UCS-2', units: 134, segments: 3 });
  });

  it('one typographic apostrophe costs a 160-character French SMS two extra segments', () => {
    const sentence =
      'Bonjour, la déchetterie est ouverte aujourd’hui de 9 h à 12 h et de 14 h à 18 h. Prochaine fermeture : dimanche. Merci de votre message, bonne journée à vous.';
    expect(sentence.length).toBeLessThanOrEqual(160);
    expect(smsSegments(sentence)).toMatchObject({ encoding: 'UCS-2', segments: 3 });
    expect(smsSegments(sentence.replace('’', "'"))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('an empty message has no segment', () => {
    expect(smsSegments('').segments).toBe(0);
  });
});

describe('transliteration to GSM-7', () => {
  it('rewrites French characters outside the alphabet and keeps those inside', () => {
    const out = transliterateToGsm7(
      'Ça coûte 12 € à l’accueil, « gratuit » pour les œuvres… Où ? Là-bas — côté église, n° 3',
    );
    expect(out).toBe(
      'Ça coute 12 € à l\'accueil, "gratuit" pour les oeuvres... Où ? Là-bas - coté église, no 3',
    );
    expect(isGsm7(out)).toBe(true);
  });

  it('drops emoji and what cannot be written in GSM-7', () => {
    const out = transliterateToGsm7('Merci 😀 à bientôt 👍🏽 !');
    expect(out).toBe('Merci à bientot !');
    expect(isGsm7(out)).toBe(true);
  });

  it('removes accents the alphabet lacks, with the letter kept', () => {
    expect(transliterateToGsm7('Ĳssel Łódź Ôlé')).toMatch(/^.*ssel .*odz Olé$/);
    expect(isGsm7(transliterateToGsm7('Ĳssel Łódź Ôlé'))).toBe(true);
  });
});

describe('smsSegments against the rule as written (3GPP TS 23.038), on random texts', () => {
  // The rule spelled out character by character, slow and plain: what the table-driven count must agree with.
  const EXTENSION = new Set('^{}\\[~]|€\f');
  const reference = (text: string) => {
    const chars = [...text];
    const gsm = chars.every(isGsm7Char);
    const costs = chars.map((ch) => (gsm ? (EXTENSION.has(ch) ? 2 : 1) : ch.length));
    const units = costs.reduce((a, b) => a + b, 0);
    if (units === 0) return { encoding: 'GSM-7', units: 0, segments: 0 };
    if (units <= (gsm ? 160 : 70)) return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments: 1 };
    let segments = 1;
    let used = 0;
    for (const c of costs) {
      if (used + c > (gsm ? 153 : 67)) {
        segments += 1;
        used = 0;
      }
      used += c;
    }
    return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments };
  };

  it('gives the same encoding, units and segments (extension characters, emoji, lone surrogates)', () => {
    const alphabet = ['a', 'é', ' ', '\n', '€', '{', 'Δ', 'ç', '😀', '\ud800', '\udc00', '’'];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 3000; n++) {
      const length = Math.floor(random() * 420);
      // Mostly GSM text, now and then a character that switches it to UCS-2.
      const gsmOnly = random() < 0.5;
      let text = '';
      for (let i = 0; i < length; i++)
        text += alphabet[Math.floor(random() * (gsmOnly ? 6 : alphabet.length))];
      expect({ text, ...smsSegments(text) }).toEqual({ text, ...reference(text) });
    }
  });

  it('fitsSegments, decided from sizes summed over the pieces, agrees with the rule near every part boundary', () => {
    // Texts of a few units around two and three full parts, where an escaped character or a surrogate pair at
    // a boundary adds a segment.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 2000; n++) {
      const gsm = random() < 0.6;
      const [part, alphabet] = gsm ? [153, ['a', 'é', '€', '{']] : [67, ['a', 'ç', '😀']];
      const target = part * (2 + Math.floor(random() * 2)) - 3 + Math.floor(random() * 6);
      let text = gsm ? '' : 'ç';
      for (let units = text.length; units < target;) {
        const ch = alphabet[Math.floor(random() * alphabet.length)]!;
        text += ch;
        units += gsm && EXTENSION.has(ch) ? 2 : ch.length;
      }
      const cut = Math.floor(random() * text.length);
      expect(joinSizes(sizeOf(text.slice(0, cut)), sizeOf(text.slice(cut)))).toEqual(sizeOf(text));
      for (const budget of [2, 3, 4])
        expect({ text, budget, fits: fitsSegments(text, budget) }).toEqual({
          text,
          budget,
          fits: reference(text).segments <= budget,
        });
    }
  });
});
