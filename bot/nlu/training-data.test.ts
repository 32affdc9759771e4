// The training files are the model: they must be valid, cover every intent in both languages, and never
// contain a sentence of the evaluation set, even reworded with the same words (that would make the accuracy
// figure measure memory).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR } from './data-files';
import { EVALUATION_SET, readLabelled } from './evaluation';
import { loadLexicon } from './lexicon';
import { sentenceKey } from './normalize';
import { nearDuplicates } from './similarity';
import { INTENTS_DIR, loadTrainingExamples } from './training-data';
import { INTENTS } from './types';

describe('training data', () => {
  const examples = loadTrainingExamples();

  it('contains no sentence of the evaluation set, nor a near-duplicate (same words, any order)', () => {
    const evaluation = readLabelled(EVALUATION_SET, () => undefined).map((d) => d.text);
    expect(evaluation.length).toBeGreaterThan(0);
    const leaked = nearDuplicates(
      examples.map((e) => e.text),
      evaluation,
    ).map((d) => `${d.sentence} ≈ ${d.match} (${d.similarity.toFixed(2)})`);
    expect(leaked).toEqual([]);
  });

  it('the similarity check catches a copied, reordered or padded evaluation sentence, and only those', () => {
    const caught = (training: string, evaluation: string) =>
      nearDuplicates([training], [evaluation]).length === 1;
    expect(caught('ou en est ma DEMANDE', 'Où en est ma demande ?')).toBe(true);
    expect(caught('école maternelle inscription', 'inscription école maternelle')).toBe(true);
    expect(caught('ou en est ma demande svp', 'Où en est ma demande ?')).toBe(true);
    expect(caught('bonjour bonjour', 'Bonjour !')).toBe(true);
    expect(caught('elle avance ma demande ?', 'Où en est ma demande ?')).toBe(false);
    expect(sentenceKey("c'est quoi")).toBe(sentenceKey('C’est quoi !'));
  });

  it('keeps the evaluation set apart from the training files', () => {
    expect(path.relative(DATA_DIR, EVALUATION_SET).startsWith('..')).toBe(true);
  });

  it('has French and English examples for every intent', () => {
    for (const intent of INTENTS) {
      expect({ intent, fr: examples.some((e) => e.intent === intent && e.language === 'fr') }).toEqual({
        intent,
        fr: true,
      });
      expect({ intent, en: examples.some((e) => e.intent === intent && e.language === 'en') }).toEqual({
        intent,
        en: true,
      });
    }
  });

  it('names every file after a canonical intent', () => {
    for (const language of ['fr', 'en']) {
      for (const name of readdirSync(path.join(INTENTS_DIR, language))) {
        expect(INTENTS.map((i) => `${i}.txt`)).toContain(name);
      }
    }
  });

  it('has no sentence labelled with two different intents', () => {
    const byKey = new Map<string, string>();
    const conflicts: string[] = [];
    for (const e of examples) {
      const key = sentenceKey(e.text);
      const seen = byKey.get(key);
      if (seen && seen !== e.intent) conflicts.push(`${e.text} (${seen} / ${e.intent})`);
      byKey.set(key, e.intent);
    }
    expect(conflicts).toEqual([]);
  });

  it('loads the lexicons with canonical labels only', () => {
    const lexicon = loadLexicon();
    expect(lexicon.facilities.find(lexicon.facilities.words('hôtel de ville'))).toEqual([
      expect.objectContaining({ value: 'mairie' }),
    ]);
    expect(lexicon.text.sms.get('bjr')).toEqual(['bonjour']);
  });
});
