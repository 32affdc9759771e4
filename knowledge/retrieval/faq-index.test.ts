import { DEFAULT_TERRITORY_DIR, loadTerritories, type FaqEntry } from '../territory';
import { createFaqIndex, editDistance, fold, stem, terms, type FaqIndex } from './index';

let index: FaqIndex;
let faq: FaqEntry[];
beforeAll(async () => {
  faq = (await loadTerritories(DEFAULT_TERRITORY_DIR)).default().faq;
  index = createFaqIndex(faq);
});
const top = (query: string): string | undefined => index.search(query, 1)[0]?.entry.id;

describe('text normalisation', () => {
  it('folds accents, ligatures, case and elisions', () => {
    expect(fold("L'Hôtel de Ville — ŒUVRES, déchèterie")).toBe('l hotel de ville oeuvres decheterie');
  });

  it('brings inflected and derived French words together', () => {
    expect(stem('inscriptions')).toBe(stem('inscrire'));
    expect(stem('déclaration'.normalize('NFD').replace(/\p{M}/gu, ''))).toBe(stem('declarer'));
    expect(stem('encombrants')).toBe(stem('encombrant'));
    expect(terms('Bonjour, je voudrais savoir comment faire pour la cantine svp')).toEqual([stem('cantine')]);
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('inscirption', 'inscription', 2)).toBe(1);
    expect(editDistance('passport', 'passeport', 2)).toBe(1);
    expect(editDistance('mairie', 'piscine', 2)).toBe(3);
  });
});

describe('FAQ search on the demo territory', () => {
  it.each([
    // paraphrases
    ['je dois refaire ma carte d’identité', 'carte-identite'],
    ["j'ai égaré ma CNI", 'carte-identite'],
    ['renouvellement passeport', 'passeport'],
    ['où déposer un vieux matelas', 'encombrants'],
    ['ramassage des gros déchets', 'encombrants'],
    ['quel jour passent les éboueurs pour la poubelle', 'collecte-ordures'],
    ['dans quel bac je mets les bouteilles en plastique', 'tri-selectif'],
    ['prix du repas de la cantine', 'cantine'],
    ['garderie du soir après la classe', 'periscolaire'],
    ['faut-il un permis pour agrandir ma maison', 'permis-construire'],
    ['je veux installer une clôture', 'declaration-prealable'],
    ['acheter une concession au cimetière', 'cimetiere-concession'],
    ['réserver la salle des fêtes pour un mariage', 'salle-des-fetes'],
    ['ma fille vient d’avoir 16 ans, recensement', 'recensement-citoyen'],
    ["s'inscrire pour voter", 'listes-electorales'],
    ['je ne serai pas là le jour du vote', 'procuration'],
    ['on veut se pacser', 'pacs'],
    ['déclarer la naissance de mon fils', 'declaration-naissance'],
    ['fuite d’eau dans la rue', 'eau-assainissement'],
    ['refaire la carte grise de ma voiture', 'carte-grise'],
    ['bus scolaire pour le collège', 'transport-scolaire'],
    ["j'ai trouvé un chien dans la rue", 'chien-errant'],
    // typos and missing accents
    ['pasport', 'passeport'],
    ['inscirption liste electorale', 'listes-electorales'],
    ['encombrant ramasage', 'encombrants'],
    ['acte de naissanse', 'acte-naissance'],
    ['declaraton prealable', 'declaration-prealable'],
    // English
    ['how do I register to vote', 'listes-electorales'],
    ['what goes in the recycling bin', 'tri-selectif'],
    ['passport application', 'passeport'],
  ])('"%s" → %s', (query, id) => {
    expect(top(query)).toBe(id);
  });

  it.each([
    "quelle est la capitale de l'Australie",
    'recette de la tarte aux pommes',
    'le score du match de foot hier soir',
    'bonjour',
    'merci beaucoup',
    'quel temps fera-t-il demain',
    'je veux acheter une voiture neuve',
    'who won the world cup',
    'où acheter du pain',
    'je cherche un emploi',
    'mon voisin fait trop de bruit',
    '',
    '???',
  ])('"%s" → nothing (the caller offers an agent)', (query) => {
    expect(index.search(query, 3)).toEqual([]);
  });

  it('scores between 0 and 1, best first, at most k hits', () => {
    const hits = index.search('acte de naissance', 5, { threshold: 0 });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(5);
    expect(hits[0]?.entry.id).toBe('acte-naissance');
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
    for (const h of hits) expect(h.score).toBeGreaterThan(0);
    for (const h of hits) expect(h.score).toBeLessThanOrEqual(1);
  });
});

describe('a large FAQ', () => {
  it('still finds the right entry among 10,000', () => {
    const topics = [
      'chaudière',
      'toiture',
      'piano',
      'vélo',
      'jardin',
      'poterie',
      'échecs',
      'natation',
      'cuisine',
      'théâtre',
    ];
    const entries: FaqEntry[] = [];
    for (let i = 0; i < 10_000; i++) {
      const topic = topics[i % topics.length] as string;
      entries.push({
        id: `e${i}`,
        questions: [`Question ${i} sur ${topic} numéro${i}`, `Atelier ${topic} groupe${i % 97}`],
        answer: `Réponse ${i} concernant ${topic}, salle ${i % 31}.`,
        sourceUrl: 'https://example.org/faq',
        tags: [topic],
      });
    }
    entries.push(...faq);
    const big = createFaqIndex(entries);
    expect(big.size).toBe(10_000 + faq.length);
    expect(big.search('numéro4242', 1)[0]?.entry.id).toBe('e4242');
    expect(big.search('comment obtenir un passeport', 1)[0]?.entry.id).toBe('passeport');
    expect(big.search("quelle est la capitale de l'Australie", 3)).toEqual([]);
  });
});
