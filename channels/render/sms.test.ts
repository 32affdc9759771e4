import type { Reply } from '../../bot/messages';
import { isGsm7, smsSegments } from './gsm7';
import { renderSms, renderSmsTurn, shapeSms } from './sms';
import { compactTimes } from './week-hours';
import { renderPlain } from './plain';

const words = (n: number) => Array.from({ length: n }, (_, i) => `mot${i}`).join(' ');

describe('shapeSms', () => {
  it('leaves a message within budget untouched', () => {
    const shaped = shapeSms('La mairie est ouverte de 9 h à 12 h.', { segmentBudget: 1 });
    expect(shaped).toEqual({
      body: 'La mairie est ouverte de 9 h à 12 h.',
      encoding: 'GSM-7',
      segments: 1,
      truncated: false,
    });
  });

  it('cuts a GSM-7 text to the budget at a word boundary, with a GSM-7 ellipsis', () => {
    const shaped = shapeSms(words(100), { segmentBudget: 1 });
    expect(shaped.truncated).toBe(true);
    expect(shaped.segments).toBe(1);
    expect(shaped.encoding).toBe('GSM-7');
    expect(shaped.body.endsWith('...')).toBe(true);
    // Whole words only.
    expect(
      shaped.body
        .slice(0, -3)
        .split(' ')
        .every((w) => /^mot\d+$/.test(w)),
    ).toBe(true);
  });

  it('prefers the end of a sentence when it keeps most of the text', () => {
    const text = `${'Première phrase assez longue pour compter. '.repeat(3)}Une dernière phrase qui ne tiendra pas en entier dans le message.`;
    const shaped = shapeSms(text, { segmentBudget: 1 });
    expect(shaped.body).toMatch(/assez longue pour compter\.\.\.$/);
    expect(smsSegments(shaped.body).segments).toBe(1);
  });

  it('budgets a UCS-2 text in 67-unit parts and ends it with "…"', () => {
    const text = `Je suis l’assistant. ${words(80)}`;
    const shaped = shapeSms(text, { segmentBudget: 3 });
    expect(shaped.encoding).toBe('UCS-2');
    expect(shaped.segments).toBeLessThanOrEqual(3);
    expect(shaped.body.length).toBeLessThanOrEqual(201);
    expect(shaped.body.endsWith('…')).toBe(true);
  });

  it('transliterates when the territory opts in, so more fits in the same budget', () => {
    const text = `Je suis l’assistant, « ça » marche. ${words(80)}`;
    const plain = shapeSms(text, { segmentBudget: 3 });
    const translit = shapeSms(text, { segmentBudget: 3, transliterate: true });
    expect(translit.encoding).toBe('GSM-7');
    expect(isGsm7(translit.body)).toBe(true);
    expect(translit.body.startsWith('Je suis l\'assistant, "ca" marche.')).toBe(true);
    expect(translit.body.length).toBeGreaterThan(plain.body.length * 2);
  });

  it('never exceeds 1,600 characters, whatever the budget', () => {
    const shaped = shapeSms(words(600), { segmentBudget: 10 });
    expect(shaped.body.length).toBeLessThanOrEqual(1600);
    expect(shaped.segments).toBeLessThanOrEqual(10);
  });

  it('keeps a final menu whole and shortens the prose before it', () => {
    const menu = '1. Horaires\n2. Signalement\n3. Agent\nRépondez 1, 2 ou 3.';
    const shaped = shapeSms(words(100), { segmentBudget: 2 }, menu);
    expect(shaped.body.endsWith(menu)).toBe(true);
    expect(shaped.body).toContain('...\n1. Horaires');
    expect(shaped.segments).toBeLessThanOrEqual(2);
  });
});

describe('renderSms', () => {
  const choices: Reply = {
    type: 'choices',
    text: 'Quel service ?',
    choices: [
      { label: 'Déchetterie', value: 'dechetterie' },
      { label: 'Mairie', value: 'mairie' },
      { label: 'Piscine', value: 'piscine' },
    ],
  };

  it('turns choices into a numbered list to answer with a digit', () => {
    expect(renderSms([choices], { channel: 'sms' })).toEqual([
      'Quel service ?\n1. Déchetterie\n2. Mairie\n3. Piscine\nRépondez 1, 2 ou 3.',
    ]);
  });

  it('answers in the language of the replies', () => {
    const english: Reply = {
      type: 'choices',
      text: 'Which service would you like?',
      choices: [
        { label: 'Pool', value: 'p' },
        { label: 'Town hall', value: 't' },
      ],
    };
    expect(renderSms([english], { channel: 'sms' })[0]).toMatch(/Reply 1 or 2\.$/);
  });

  it('renders cards as lines, keeps links as URLs, asks for the address on SMS', () => {
    const replies: Reply[] = [
      { type: 'card', title: 'Récapitulatif', fields: [{ label: 'Adresse', value: '12 rue des Lilas' }] },
      { type: 'link', text: 'Le formulaire :', url: 'https://www.service-public.fr/x' },
      { type: 'location_request', text: 'Où se situe le problème ?' },
      { type: 'handover', text: 'Un agent va vous répondre.', state: 'queued' },
    ];
    const [body] = renderSms(replies, { channel: 'sms', segmentBudget: 10 });
    expect(body).toBe(
      'Récapitulatif\nAdresse : 12 rue des Lilas\nLe formulaire : https://www.service-public.fr/x\nOù se situe le problème ?\nEnvoyez l’adresse (numéro, rue, commune).\nUn agent va vous répondre.',
    );
  });

  it('pages a long answer instead of cutting it: every page within the budget, the menu whole on the last', () => {
    const long: Reply = { type: 'text', text: words(200) };
    const turn = renderSmsTurn([long, choices], { channel: 'sms', segmentBudget: 3 });
    expect(turn.now).toHaveLength(1);
    const pages = [...turn.now, ...turn.later];
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(smsSegments(page).segments).toBeLessThanOrEqual(3);
    for (const page of pages.slice(0, -1)) expect(page).toMatch(/\nRépondez SUITE pour la suite\.$/);
    expect(pages.at(-1)).toMatch(
      /mot199\nQuel service \?\n1\. Déchetterie\n2\. Mairie\n3\. Piscine\nRépondez 1, 2 ou 3\.$/,
    );
    // Nothing lost, nothing cut: the pages without their instruction give back every word.
    const text = pages.map((p) => p.replace(/\nRépondez SUITE pour la suite\.$/, '')).join(' ');
    expect(text).not.toMatch(/…/);
    expect(text.match(/mot\d+/g)).toHaveLength(200);
  });

  it('sends every page at once where "SUITE" cannot be asked for (a notification)', () => {
    const bodies = renderSms([{ type: 'text', text: words(200) }], { channel: 'sms', segmentBudget: 2 });
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(body).not.toMatch(/SUITE|…/);
    expect(bodies.join(' ').match(/mot\d+/g)).toHaveLength(200);
  });

  it('compresses a week of hours and keeps the address', () => {
    const hours: Reply = {
      type: 'text',
      text: [
        'La mairie est ouverte.',
        'Horaires des 7 prochains jours :',
        'Lundi : 9 h – 12 h, 14 h – 17 h',
        'Mardi : 9 h – 12 h, 14 h – 17 h',
        'Mercredi : 9 h – 12 h, 14 h – 17 h',
        'Jeudi : 9 h – 12 h, 14 h – 17 h',
        'Vendredi : 9 h – 12 h, 14 h – 17 h',
        'Samedi : 9 h – 12 h 30',
        'Dimanche : fermé',
        '2 place de la Mairie, 25971 Montcey — Tél. 01 99 00 11 11',
      ].join('\n'),
    };
    expect(renderSms([hours], { channel: 'sms', transliterate: true })).toEqual([
      'La mairie est ouverte.\nHoraires des 7 prochains jours :\nLun-Ven 9h-12h 14h-17h\nSam 9h-12h30\nDim fermé\n2 place de la Mairie, 25971 Montcey - Tél. 01 99 00 11 11',
    ]);
  });

  it('keeps accents on WhatsApp and splits long answers into several messages of at most 1,600 characters', () => {
    const text = `Ça marche, « très bien » 👍 ${'é'.repeat(10)}`;
    expect(renderSms([{ type: 'text', text }], { channel: 'whatsapp', transliterate: true })).toEqual([text]);
    const bodies = renderSms(
      [
        { type: 'text', text: words(200) },
        { type: 'text', text: words(200) },
      ],
      { channel: 'whatsapp' },
    );
    expect(bodies.length).toBe(2);
    for (const b of bodies) expect(b.length).toBeLessThanOrEqual(1600);
  });

  it('pages a menu that cannot fit, between its lines, never inside "2. …"', () => {
    const many: Reply = {
      type: 'choices',
      text: 'Je peux vous aider pour :',
      choices: [
        'Connaître des horaires d’ouverture',
        'Signaler un problème sur la voie publique',
        'Suivre une demande',
        'Inscrire un enfant à l’école',
        'S’inscrire à la médiathèque',
        'Parler à un agent',
      ].map((label, i) => ({ label, value: String(i) })),
    };
    const turn = renderSmsTurn([many], { channel: 'sms', segmentBudget: 1 });
    const pages = [...turn.now, ...turn.later];
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(smsSegments(page).segments).toBe(1);
    const lines = pages.flatMap((p) => p.split('\n')).filter((l) => !/SUITE/.test(l));
    expect(lines).toEqual([
      'Je peux vous aider pour :',
      ...many.choices.map((c, i) => `${i + 1}. ${c.label}`),
      'Répondez de 1 à 6.',
    ]);
    // Transliterated to GSM-7, the whole menu fits in two segments.
    expect(renderSms([many], { channel: 'sms', segmentBudget: 2, transliterate: true })).toEqual([
      expect.stringMatching(
        /1\. Connaitre des horaires d'ouverture\n[^]*6\. Parler à un agent\nRépondez de 1 à 6\.$/,
      ),
    ]);
  });

  it('sends the menu’s long question before its numbered lines, the menu with the last page', () => {
    const long: Reply = {
      type: 'choices',
      text: `Je n’ai pas compris votre demande, ${words(40)} ?`,
      choices: [
        { label: 'Oui', value: 'yes' },
        { label: 'Non', value: 'no' },
      ],
    };
    const turn = renderSmsTurn([long], { channel: 'sms', segmentBudget: 2 });
    expect(turn.now[0]).toMatch(
      /^Je n’ai pas compris votre demande, mot0 [^]*\nRépondez SUITE pour la suite\.$/,
    );
    expect(turn.later.at(-1)).toMatch(/mot39 \?\n1\. Oui\n2\. Non\nRépondez 1 ou 2\.$/);
  });

  it('never cuts the first-contact notice: it goes alone when it does not fit with the rest', () => {
    const notice =
      'Vos messages sont traités par la commune pour répondre à vos demandes et conservés 6 mois. Vos droits : dpo@commune.example';
    const replies: Reply[] = [{ type: 'text', text: notice }, { type: 'text', text: words(60) }, choices];
    const turn = renderSmsTurn(replies, { channel: 'sms', segmentBudget: 2, notice });
    expect(turn.now[0]).toBe(notice);
    expect(turn.now).toHaveLength(2);
    expect(turn.now[1]).toMatch(/^mot0 /);
    for (const body of [...turn.now, ...turn.later])
      expect(smsSegments(body).segments).toBeLessThanOrEqual(2);
    expect([...turn.now, ...turn.later].at(-1)).toMatch(/Répondez 1, 2 ou 3\.$/);
    // Everything fits: one message.
    expect(
      renderSms([{ type: 'text', text: notice }, choices], { channel: 'sms', segmentBudget: 3, notice }),
    ).toHaveLength(1);
  });

  it('offers to share a position on WhatsApp', () => {
    expect(renderSms([{ type: 'location_request', text: 'Où ?' }], { channel: 'whatsapp' })[0]).toMatch(
      /partagez votre position/,
    );
  });

  it('the plain renderer (CLI preview) numbers choices the same way', () => {
    expect(renderPlain([{ type: 'text', text: 'Bonjour.' }, choices])).toBe(
      'Bonjour.\nQuel service ?\n1. Déchetterie\n2. Mairie\n3. Piscine\nRépondez 1, 2 ou 3.',
    );
  });
});

describe('compactTimes', () => {
  it('joins French times and ranges, keeps the comma between English ranges', () => {
    expect(compactTimes('9 h – 12 h, 14 h 30 – 17 h')).toBe('9h-12h 14h30-17h');
    expect(compactTimes('12 pm – 1:45 pm, 5 pm – 8 pm')).toBe('12 pm-1:45 pm, 5 pm-8 pm');
    expect(compactTimes('fermé')).toBe('fermé');
  });
});
