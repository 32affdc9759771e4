import type { Reply } from '../../bot/messages';
import { isGsm7, smsSegments } from './gsm7';
import { renderSms, shapeSms } from './sms';
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

  it('sends one SMS per turn, within the segment budget', () => {
    const long: Reply = { type: 'text', text: words(200) };
    const bodies = renderSms([long, choices], { channel: 'sms', segmentBudget: 3 });
    expect(bodies).toHaveLength(1);
    expect(smsSegments(bodies[0]!).segments).toBeLessThanOrEqual(3);
    expect(bodies[0]).toMatch(/1\. Déchetterie\n2\. Mairie\n3\. Piscine\nRépondez 1, 2 ou 3\.$/);
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

  it('cuts a menu that cannot fit between its lines, never inside "2. …"', () => {
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
    const [body] = renderSms([many], { channel: 'sms', segmentBudget: 2 });
    expect(smsSegments(body!).segments).toBeLessThanOrEqual(2);
    expect(body).toMatch(/\n1\. Connaître des horaires d’ouverture/);
    expect(body).toMatch(/[a-z]…$/);
    // Transliterated to GSM-7, the whole menu fits in three segments.
    expect(renderSms([many], { channel: 'sms', segmentBudget: 3, transliterate: true })[0]).toMatch(
      /1\. Connaitre des horaires d'ouverture\n[^]*6\. Parler à un agent\nRépondez de 1 à 6\.$/,
    );
  });

  it('shortens the menu’s question before its numbered lines', () => {
    const long: Reply = {
      type: 'choices',
      text: `Je n’ai pas compris votre demande, ${words(40)} ?`,
      choices: [
        { label: 'Oui', value: 'yes' },
        { label: 'Non', value: 'no' },
      ],
    };
    const [body] = renderSms([long], { channel: 'sms', segmentBudget: 2 });
    expect(body).toMatch(/…\n1\. Oui\n2\. Non\nRépondez 1 ou 2\.$/);
  });

  it('never cuts the first-contact notice: it goes alone when it does not fit with the rest', () => {
    const notice =
      'Vos messages sont traités par la commune pour répondre à vos demandes et conservés 6 mois. Vos droits : dpo@commune.example';
    const replies: Reply[] = [{ type: 'text', text: notice }, { type: 'text', text: words(60) }, choices];
    const bodies = renderSms(replies, { channel: 'sms', segmentBudget: 2, notice });
    expect(bodies[0]).toBe(notice);
    expect(bodies).toHaveLength(2);
    expect(smsSegments(bodies[1]!).segments).toBeLessThanOrEqual(2);
    expect(bodies[1]).toMatch(/Répondez 1, 2 ou 3\.$/);
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
