// The training files are the model: they must be valid, cover every intent in both languages,
// and never contain a sentence of the dev set (that would make the accuracy figure meaningless).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readLabelled } from './evaluation';
import { loadLexicon } from './lexicon';
import { sentenceKey } from './normalize';
import { INTENTS_DIR, loadTrainingExamples } from './training-data';
import { INTENTS } from './types';

const DEV = path.resolve(__dirname, '../../../shared/nlu/dev.jsonl');

describe('training data', () => {
  const examples = loadTrainingExamples();

  it('contains no dev.jsonl sentence (compared lowercased, without accents or punctuation)', () => {
    const dev = readLabelled(DEV, () => undefined);
    expect(dev.length).toBeGreaterThan(0);
    const devKeys = new Set(dev.map((d) => sentenceKey(d.text)));
    const leaked = examples
      .filter((e) => devKeys.has(sentenceKey(e.text)))
      .map((e) => `${e.file}: ${e.text}`);
    expect(leaked).toEqual([]);
  });

  it('the normalised comparison would catch a copied dev sentence', () => {
    expect(sentenceKey('Où en est ma demande ?')).toBe(sentenceKey('ou en est ma DEMANDE'));
    expect(sentenceKey("c'est quoi")).toBe(sentenceKey('C’est quoi !'));
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
