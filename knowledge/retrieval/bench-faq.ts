// Measures the FAQ index on 10,000 synthetic entries: build time and search latency (median, p95).
// Run: npx tsx knowledge/retrieval/bench-faq.ts   (prints one JSON line of figures; asserts nothing)
import { performance } from 'node:perf_hooks';
import type { FaqEntry } from '../territory/schema';
import { createFaqIndex } from './faq-index';

const SUBJECTS = [
  'carte',
  'passeport',
  'cantine',
  'piscine',
  'déchets',
  'permis',
  'école',
  'salle',
  'cimetière',
  'eau',
];
const VERBS = ['obtenir', 'renouveler', 'payer', 'réserver', 'déclarer', 'inscrire', 'signaler', 'contacter'];
const WORDS =
  'quartier horaires tarif famille enfant dossier justificatif délai mairie commune service rue'.split(' ');

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length] as T;
}

function synthetic(n: number): FaqEntry[] {
  const entries: FaqEntry[] = [];
  for (let i = 0; i < n; i++) {
    const s = pick(SUBJECTS, i);
    const v = pick(VERBS, Math.floor(i / 10));
    const w = pick(WORDS, Math.floor(i / 80));
    entries.push({
      id: `faq-${i}`,
      questions: [`Comment ${v} ${s} ${w} ${i}`, `${s} ${w} ${v} référence${i}`, `Je voudrais ${v} mon ${s}`],
      answer: `Pour ${v} votre ${s}, adressez-vous au service ${w} avec un justificatif. Dossier ${i}.`,
      sourceUrl: 'https://www.service-public.fr/',
      tags: [s, w],
    });
  }
  return entries;
}

const entries = synthetic(10_000);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const index = createFaqIndex(entries);
const buildCpu = process.cpuUsage(cpu0);
const buildMs = performance.now() - t0;

const queries = [
  'comment renouveler mon passeport',
  'tarif de la cantine pour mon enfant',
  'réserver la salle du quartier',
  'pasport renouvelement',
  'référence4242',
  'quelle est la capitale de l australie',
  'déclarer des déchets rue',
  'inscirption école',
];
for (let i = 0; i < 200; i++) index.search(pick(queries, i), 3); // warm-up
const times: number[] = [];
for (let i = 0; i < 5000; i++) {
  const q = pick(queries, i);
  const t = performance.now();
  index.search(q, 3);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const at = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] as number;
console.log(
  JSON.stringify({
    entries: entries.length,
    buildMs: Number(buildMs.toFixed(1)),
    // CPU time, less sensitive than wall time to a busy machine (includes GC threads).
    buildCpuMs: Number(((buildCpu.user + buildCpu.system) / 1000).toFixed(1)),
    searchMedianMs: Number(at(0.5).toFixed(4)),
    searchP95Ms: Number(at(0.95).toFixed(4)),
    searchMaxMs: Number(at(1).toFixed(3)),
  }),
);
