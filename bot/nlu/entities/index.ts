// Runs every entity extractor in an order where each one masks what it consumed for the next:
// references and contacts first (digit-heavy), then addresses and times, then dates and numbers.
import type { LexicalHits } from '../lexical-hits';
import type { Lexicon } from '../lexicon';
import type { Prepared } from '../prepare';
import type { AnalyzeOptions, Entity, Intent, Language } from '../types';
import { findAddresses } from './address';
import { findCommune } from './commune';
import { findEmails, findPhones } from './contact';
import { findDate } from './dates';
import { findNumbers } from './number';
import { mask, type Span } from './spans';
import { findTimes } from './time';
import { findYesNo } from './yes-no';

export function extractEntities(
  prepared: Prepared,
  lexicon: Lexicon,
  hits: LexicalHits,
  options: AnalyzeOptions,
  language: Language,
  intent: Intent,
): Entity[] {
  const { raw, folded } = prepared;
  const entities: Entity[] = [];
  const consumed: Span[] = [];

  // Facilities: every distinct one named, in order; weak hints only for an opening-hours question.
  const facilities = hits.facilities;
  const seen = new Set<string>();
  for (const hit of facilities) {
    if (seen.has(hit.value)) continue;
    seen.add(hit.value);
    entities.push({ type: 'facility', value: hit.value });
  }
  if (facilities.length === 0 && intent === 'opening_hours') {
    const weak = hits.weakFacilities[0];
    if (weak) entities.push({ type: 'facility', value: weak.value });
  }

  // Category: the strongest phrase, the earliest on a tie.
  const categories = hits.categories;
  let best = categories[0];
  for (const c of categories) if (best && c.weight > best.weight) best = c;
  if (best) entities.push({ type: 'category', value: best.value });

  for (const r of hits.references) {
    entities.push({ type: 'reference', value: r.value, text: r.text });
    consumed.push(r);
  }
  const emails = findEmails(raw);
  consumed.push(...emails);
  const phones = findPhones(raw, consumed);
  consumed.push(...phones);
  const addresses = findAddresses(mask(raw, consumed));
  consumed.push(...addresses);
  const times = findTimes(folded, consumed);
  consumed.push(...times);

  const date = findDate(mask(raw, consumed), mask(folded, consumed), options.now, options.timeZone, language);
  if (date) entities.push({ type: 'date', value: date.value, text: date.text });
  for (const t of times) entities.push({ type: 'time', value: t.value, text: t.text });
  for (const a of addresses) entities.push({ type: 'address', value: a.value, text: a.value });

  const commune = findCommune(raw, options.vocabulary?.communes);
  if (commune) entities.push({ type: 'commune', value: commune.id, text: commune.name });
  for (const p of phones) entities.push({ type: 'phone', value: p.value, text: p.text });
  for (const e of emails) entities.push({ type: 'email', value: e.value, text: e.text });

  const yesNo = findYesNo(prepared.tokens, raw);
  if (yesNo) entities.push({ type: 'yes_no', value: yesNo });

  // Numbers that are not part of a date, time, address, phone or reference.
  const dateSpan = date ? spanOf(folded, date.text.toLowerCase()) : undefined;
  for (const n of findNumbers(folded, dateSpan ? [...consumed, dateSpan] : consumed)) {
    entities.push({ type: 'number', value: n.value, text: n.text });
  }
  return entities;
}

function spanOf(folded: string, text: string): Span | undefined {
  const foldedText = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const i = folded.indexOf(foldedText);
  return i < 0 ? undefined : { start: i, end: i + foldedText.length };
}
