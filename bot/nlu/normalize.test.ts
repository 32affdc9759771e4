// Normalisation building blocks: what the classifier and extractors see of a message.
import { cleanText, fold, tokenize, MAX_INPUT_CHARS } from './normalize';
import { editDistance, FuzzyVocabulary } from './fuzzy';
import { loadLexicon } from './lexicon';
import { prepare } from './prepare';
import { stem } from './stem';

const lexicon = loadLexicon();
const words = (text: string): string => prepare(text, lexicon).words.join(' ');

describe('normalisation', () => {
  it('folds case, accents and ligatures', () => {
    expect(fold('Déchèterie ŒUVRE Hôtel')).toBe('decheterie oeuvre hotel');
  });

  it('restores French elisions and English contractions', () => {
    expect(tokenize(fold("J'ai vu l'arbre d'en face, qu'il soit là"))).toEqual(
      'je ai vu le arbre de en face que il soit la'.split(' '),
    );
    expect(tokenize(fold("aujourd'hui s'il vous plaît"))).toEqual([
      'aujourdhui',
      'si',
      'il',
      'vous',
      'plait',
    ]);
    expect(tokenize("there's a hole, don't wait")).toEqual(['there', 'is', 'a', 'hole', 'do', 'not', 'wait']);
  });

  it('splits hyphenated words and drops punctuation and emoji', () => {
    expect(tokenize(fold('nid-de-poule !!! 🚧 après-demain?'))).toEqual([
      'nid',
      'de',
      'poule',
      'apres',
      'demain',
    ]);
  });

  it('expands SMS shorthand and drops speech fillers', () => {
    expect(words('slt jveu savoir qd c ouvert stp')).toBe(
      'salut je veux savoir quand ce est ouvert si il te plait',
    );
    expect(words('euh ben euuuh bjr hmm')).toBe('bonjour');
    expect(words('mrc a+')).toBe('merci a plus');
  });

  it('removes control characters and bounds the length', () => {
    expect(cleanText('a\u0000b\u0007c\u200Bd')).toBe('a b c d');
    expect(cleanText('x'.repeat(10_000)).length).toBe(MAX_INPUT_CHARS);
    expect(cleanText(undefined)).toBe('');
  });
});

describe('typo correction', () => {
  const vocabulary = new FuzzyVocabulary(
    [
      ['piscine', 5],
      ['mairie', 5],
      ['horaires', 5],
      ['lampadaire', 2],
      ['toute', 9],
      ['route', 3],
    ],
    ['lampadaire', 'route'],
  );

  it('corrects one edit on medium words and two on long domain words', () => {
    expect(vocabulary.correct('pisicne')).toBe('piscine');
    expect(vocabulary.correct('mairei')).toBe('mairie');
    expect(vocabulary.correct('horraires')).toBe('horaires');
    expect(vocabulary.correct('lampadere')).toBe('lampadaire');
  });

  it('leaves known words, short words and far-off words alone', () => {
    expect(vocabulary.correct('toute')).toBeUndefined();
    expect(vocabulary.correct('rue')).toBeUndefined();
    expect(vocabulary.correct('bibliotheque')).toBeUndefined();
  });

  it('counts transpositions as one edit', () => {
    expect(editDistance('mairie', 'mairei', 2)).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });
});

describe('stemming', () => {
  it('lets inflected forms share a stem', () => {
    expect(stem('signaler')).toBe(stem('signalé'.normalize('NFD').replace(/[\u0300-\u036f]/g, '')));
    expect(stem('ouverte')).toBe(stem('ouvert'));
    expect(stem('lampadaires')).toBe(stem('lampadaire'));
    expect(stem('vous')).toBe('vous');
  });
});
