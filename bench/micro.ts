// `npm run bench:micro`: the turn's building blocks measured alone — NLU per utterance, FAQ retrieval over
// 10,000 entries, SMS rendering, opening-hours evaluation. Medians and p99 in ms; prints one JSON line last.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createNlu } from '../bot/nlu';
import { EVALUATION_SET } from '../bot/nlu/evaluation';
import type { Reply } from '../bot/messages';
import { renderSms } from '../channels/render';
import { describeStatus, weekSummary } from '../knowledge/opening-hours';
import { createFaqIndex } from '../knowledge/retrieval';
import { loadTerritories, type FaqEntry } from '../knowledge/territory';
import { percentile } from './load';

function measure(label: string, runs: number, fn: (i: number) => void): { p50: number; p99: number } {
  for (let i = 0; i < Math.min(200, runs); i++) fn(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const r = {
    p50: Math.round(percentile(times, 50) * 1000) / 1000,
    p99: Math.round(percentile(times, 99) * 1000) / 1000,
  };
  process.stdout.write(`${label.padEnd(34)} median ${r.p50} ms, p99 ${r.p99} ms (${runs} runs)\n`);
  return r;
}

function syntheticFaq(n: number): FaqEntry[] {
  const subjects = [
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
  const verbs = [
    'obtenir',
    'renouveler',
    'payer',
    'réserver',
    'déclarer',
    'inscrire',
    'signaler',
    'contacter',
  ];
  return Array.from({ length: n }, (_, i) => ({
    id: `faq-${i}`,
    questions: [
      `Comment ${verbs[i % 8]} ${subjects[i % 10]} ${i}`,
      `Je voudrais ${verbs[(i >> 3) % 8]} mon ${subjects[i % 10]}`,
    ],
    answer: `Pour ${verbs[i % 8]} votre ${subjects[i % 10]}, adressez-vous au service avec un justificatif. Dossier ${i}.`,
    sourceUrl: 'https://www.service-public.fr/',
    tags: [subjects[i % 10]!],
  }));
}

async function main() {
  const devFile = EVALUATION_SET;
  const utterances = readFileSync(devFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const nlu = createNlu({ warmUp: false });
  const now = new Date('2026-12-02T09:30:00Z');
  const nluStats = measure('NLU (dev.jsonl utterances)', 5000, (i) =>
    nlu.analyze(utterances[i % utterances.length]!, { now, timeZone: 'Europe/Paris' }),
  );

  const t0 = performance.now();
  const index = createFaqIndex(syntheticFaq(10_000));
  const buildMs = Math.round(performance.now() - t0);
  process.stdout.write(`${'FAQ index build (10,000 entries)'.padEnd(34)} ${buildMs} ms\n`);
  const queries = [
    'comment renouveler mon passeport',
    'payer la cantine',
    'réserver la salle des fêtes',
    'je voudrais déclarer mon chien',
  ];
  const faqStats = measure('FAQ search (10,000 entries)', 2000, (i) =>
    index.search(queries[i % queries.length]!, 3),
  );

  const replies: Reply[] = [
    {
      type: 'text',
      text: 'La déchetterie est fermée en ce moment. Prochaine ouverture : aujourd’hui à 14 h.',
    },
    {
      type: 'choices',
      text: 'Voulez-vous autre chose ?',
      choices: [
        { label: 'Horaires de la piscine', value: 'a' },
        { label: 'Signaler un problème', value: 'b' },
        { label: 'Parler à un agent', value: 'c' },
      ],
    },
  ];
  const smsStats = measure('SMS rendering (2 replies, 3 segments)', 5000, () =>
    renderSms(replies, { channel: 'sms', segmentBudget: 3, transliterate: true }),
  );

  const catalog = await loadTerritories([path.resolve(__dirname, '../knowledge/territories')]);
  const territory = catalog.default();
  const pool = territory.facilities.find((f) => f.kind === 'piscine')!;
  let minute = 0;
  const ohStats = measure('opening hours: status now (uncached)', 1000, () =>
    describeStatus(pool, territory, new Date(now.getTime() + 60_000 * minute++), 'fr'),
  );
  const weekStats = measure('opening hours: 7-day summary', 300, () =>
    weekSummary(pool, territory, new Date(now.getTime() + 60_000 * minute++), 'fr'),
  );

  process.stdout.write(
    `${JSON.stringify({
      nlu_p50_ms: nluStats.p50,
      nlu_p99_ms: nluStats.p99,
      faq_build_ms: buildMs,
      faq_search_p50_ms: faqStats.p50,
      faq_search_p99_ms: faqStats.p99,
      sms_render_p50_ms: smsStats.p50,
      sms_render_p99_ms: smsStats.p99,
      opening_status_p50_ms: ohStats.p50,
      opening_status_p99_ms: ohStats.p99,
      opening_week_p50_ms: weekStats.p50,
    })}\n`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
