// Intent detection as citizens really write: SMS spelling, missing accents, typos, speech-to-text
// transcripts, greetings glued to a request, English. Sentences written for this test: none is, or nearly
// is (same words, see similarity.ts), a sentence of the training files or of the evaluation set.
import { buildModel, createEngine } from './engine';
import { EVALUATION_SET, readLabelled } from './evaluation';
import { createNlu, type Intent } from './index';
import { nearDuplicates } from './similarity';
import { loadTrainingExamples } from './training-data';

const nlu = createNlu({ warmUp: false });
const options = { now: new Date('2026-05-13T10:00:00Z'), timeZone: 'Europe/Paris' };
const analyze = (text: string) => nlu.analyze(text, options);
const facility = (text: string) => analyze(text).entities.find((e) => e.type === 'facility')?.value;
const category = (text: string) => analyze(text).entities.find((e) => e.type === 'category')?.value;

const cases: [string, Intent][] = [
  // SMS spellings
  ['slt c koi les horaires de la piscine dmn', 'opening_hours'],
  ['bsr la mairie ouvre a kel h samedi stp', 'opening_hours'],
  ['jveu savoir qd la dechetrie est ouverte', 'opening_hours'],
  ['ya un lampadère ki marche plus rue des lilas', 'report_incident'],
  ['jvoudrai signaler un nid de poule devant le 4 rue pasteur', 'report_incident'],
  ['jveu inscrire mon fils en maternelle', 'school_registration'],
  ['jvoudrais une carte de biblio', 'library_registration'],
  ['tjr pas de nouvelles de mon signalement', 'request_status'],
  ['jveu parler a un humain', 'human_agent'],
  ['c koi le jour du ramassage des ordures ds mon kartier', 'knowledge'],
  ['mrc bcp a+ bne journée', 'goodbye'],
  ['cb ca coute pr sinscrire a la mediatek', 'library_registration'],
  // typos
  ['a quel heure ouvr la mairei aujourdhui', 'opening_hours'],
  ['la bibliotheqe ouvre t elle le dimanche', 'opening_hours'],
  ['lampadair cassé dans ma rue', 'report_incident'],
  ['inscripton scolaire pour mon fis', 'school_registration'],
  // speech-to-text transcripts with fillers
  ['euh oui alors euh ce soir la piscine elle ferme vers quelle heure euh', 'opening_hours'],
  ['euh bonjour oui alors euh y a un arbre qui est tombé sur le chemin', 'report_incident'],
  ['euh c’est pour inscrire ma fille au CP', 'school_registration'],
  ['euh est-ce que euh un conseiller pourrait me prendre en ligne', 'human_agent'],
  // greeting + a real request → the request
  ['bonjour, la médiathèque ouvre quand cette semaine ?', 'opening_hours'],
  ['salut, quelqu’un a tagué la façade du gymnase', 'report_incident'],
  ['bonsoir, je n’ai aucune nouvelle de mon dossier', 'request_status'],
  ['hello, how do I get a new passport for my son', 'knowledge'],
  // small talk stays small talk
  ['bjr mdame', 'greeting'],
  ['bonsoir monsieur', 'greeting'],
  ['mille fois merci, bonne continuation', 'goodbye'],
  ['top c’est tout ce qu’il me fallait, merci', 'goodbye'],
  ['tu sais faire quoi', 'help'],
  ['stop, on annule ma démarche', 'cancel'],
  // English
  ['when does the library close on saturday', 'opening_hours'],
  ['the lamp post near the school has stopped working', 'report_incident'],
  ['I would like to speak to someone please', 'human_agent'],
];

describe('intent robustness', () => {
  it('uses sentences of its own, not (near) copies of training or evaluation sentences', () => {
    const known = [
      ...loadTrainingExamples().map((e) => e.text),
      ...readLabelled(EVALUATION_SET, () => undefined).map((e) => e.text),
    ];
    expect(
      nearDuplicates(
        cases.map(([text]) => text),
        known,
      ),
    ).toEqual([]);
  });

  it.each(cases)('%s → %s', (text, intent) => {
    expect(analyze(text).intent).toBe(intent);
  });

  it('recognises facilities through synonyms, typos and shorthand', () => {
    expect(facility('horaires de la déchèterie svp')).toBe('dechetterie');
    expect(facility('la dechetteri est fermée le lundi ?')).toBe('dechetterie');
    expect(facility('le centre de recyclage ouvre quand')).toBe('dechetterie');
    expect(facility('horaires du centre aquatique le dimanche')).toBe('piscine');
    expect(facility("l'hôtel de ville ferme à quelle heure")).toBe('mairie');
    expect(facility('la mediatek ouvre a quelle heure')).toBe('mediatheque');
    expect(facility('is the town hall open')).toBe('mairie');
  });

  it('recognises incident categories from lay vocabulary', () => {
    expect(category('des tags partout sur le pont')).toBe('graffiti');
    expect(category('une fuite d eau sur le trottoir')).toBe('eau');
    expect(category('le banc du square est cassé')).toBe('mobilier_urbain');
    expect(category("quelqu'un a jeté un frigo dans le fossé")).toBe('proprete');
    expect(category('le panneau stop est tombé')).toBe('signalisation');
    expect(category('ya un lampadère ki marche plus')).toBe('eclairage');
    expect(category('une grosse branche sur la route après la tempête')).toBe('espaces_verts');
  });

  it('gives a runner-up intent and a confidence between 0 and 1', () => {
    const result = analyze('la piscine est ouverte demain ?');
    expect(result.confidence).toBeGreaterThan(0.5);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(result.alternative?.intent).not.toBe(result.intent);
    expect(result.alternative?.confidence).toBeLessThanOrEqual(result.confidence);
  });

  it('does not take a bare yes/no answer for a new request', () => {
    for (const text of ['non', 'oui', 'ouais', 'pas du tout']) {
      expect(analyze(text).confidence).toBeLessThanOrEqual(0.3);
    }
  });

  it('trains the same model at every load (deterministic)', () => {
    const other = createEngine(buildModel());
    for (const [text] of cases.slice(0, 8)) expect(other.analyze(text, options)).toEqual(analyze(text));
  });
});

describe('language detection', () => {
  it.each([
    ['Bonjour, la piscine est ouverte ?', 'fr'],
    ['slt c koi les horaires', 'fr'],
    ['euh je voudrais un conseiller', 'fr'],
    ['nid de poule', 'fr'],
    ['What time does the library open?', 'en'],
    ['talk to an agent please', 'en'],
    ['is the tip open today', 'en'],
    ['thanks, bye', 'en'],
  ])('%s → %s', (text, language) => {
    expect(analyze(text).language).toBe(language);
  });
});

describe('bad input', () => {
  const noise = Array.from({ length: 2000 }, (_, i) => 'qzxjvkw#@!%&*'[(i * 7) % 13]).join('');
  const inputs: [string, string][] = [
    ['empty', ''],
    ['blank', '   \n\t  '],
    ['2,000 characters of noise', noise],
    ['emoji only', '🙂🙂🎉🔥'],
    ['mixed scripts', 'Привет 你好 مرحبا שלום'],
    ['control characters', '\u0000\u0007\u001b[31m\u0008\u007f'],
    ['lone surrogates', '\ud800\udfff\ud800'],
    ['very long repeated words', 'piscine '.repeat(3000)],
  ];

  it.each(inputs)('%s → a low-confidence result, no throw', (_name, text) => {
    const result = analyze(text);
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(['fr', 'en']).toContain(result.language);
    expect(Array.isArray(result.entities)).toBe(true);
  });

  it('answers knowledge with a low confidence when it understands nothing', () => {
    for (const text of ['', noise, '🙂🙂🎉🔥', 'Привет 你好 مرحبا', '\u0000\u0007']) {
      const result = analyze(text);
      expect(result.intent).toBe('knowledge');
      expect(result.confidence).toBeLessThan(0.3);
    }
  });

  it('still reads a request surrounded by noise and control characters', () => {
    expect(analyze('\u0007horaires\u0000 de la piscine 🏊🏊').intent).toBe('opening_hours');
  });

  it('takes a thumbs-up as a yes', () => {
    expect(analyze('👍').entities).toContainEqual({ type: 'yes_no', value: 'yes' });
  });

  it('does not throw on values that are not strings', () => {
    const loose = nlu.analyze as (text: unknown, o: typeof options) => ReturnType<typeof analyze>;
    expect(loose(undefined, options).intent).toBe('knowledge');
    expect(loose(null, options).intent).toBe('knowledge');
    expect(loose(42, options).confidence).toBeLessThan(0.3);
  });

  it('does not throw on a bad time zone or an invalid date', () => {
    expect(nlu.analyze('demain', { now: new Date('nope'), timeZone: 'Not/AZone' }).entities).toContainEqual(
      expect.objectContaining({ type: 'date' }),
    );
  });
});
