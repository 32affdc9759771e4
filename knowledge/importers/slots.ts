// Builds an opening_hours value from DILA day/time slots ("lundi → mercredi, 08:30–12:00"). Days with the
// same hours are grouped ("Mo-We,Fr 08:30-12:00"); the result is then checked by the opening_hours library.
import { openingHoursError } from '../opening-hours/library';

export const OSM_DAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'] as const;
const FRENCH_DAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

export interface Slot {
  /** French day names as DILA writes them ("Lundi", "mercredi"). */
  firstDay: string;
  lastDay: string;
  /** [start, end] times, "HH:MM" or "HH:MM:SS". */
  ranges: [string, string][];
}

export class SlotError extends Error {
  override name = 'SlotError';
}

function dayIndex(name: string): number {
  const folded = name.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();
  const i = FRENCH_DAYS.indexOf(folded);
  if (i < 0) throw new SlotError(`unknown day "${name}"`);
  return i;
}

function time(value: string): string {
  const m = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(value.trim());
  if (!m) throw new SlotError(`invalid time "${value}"`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) throw new SlotError(`invalid time "${value}"`);
  return `${String(h).padStart(2, '0')}:${m[2]}`;
}

/** Days from first to last, wrapping over the week end ("samedi → lundi"). */
function daySpan(first: string, last: string): number[] {
  const a = dayIndex(first);
  const b = dayIndex(last);
  const out: number[] = [];
  for (let d = a; ; d = (d + 1) % 7) {
    out.push(d);
    if (d === b) break;
  }
  return out;
}

/** "Mo-We,Fr" for [0, 1, 2, 4]: runs of three days or more become ranges. */
export function formatDays(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    const first = OSM_DAYS[sorted[i] as number] as string;
    const last = OSM_DAYS[sorted[j] as number] as string;
    if (j === i) parts.push(first);
    else if (j === i + 1) parts.push(`${first},${last}`);
    else parts.push(`${first}-${last}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The opening_hours value for the slots, or undefined when they hold no time range. */
export function slotsToOpeningHours(slots: readonly Slot[]): string | undefined {
  const byDay = new Map<number, Set<string>>();
  for (const slot of slots) {
    const ranges = slot.ranges.map(([from, to]) => {
      const a = time(from);
      const b = time(to);
      if (b <= a) throw new SlotError(`time range ends before it starts: ${from}-${to}`);
      return `${a}-${b}`;
    });
    if (ranges.length === 0) continue;
    for (const d of daySpan(slot.firstDay, slot.lastDay)) {
      const set = byDay.get(d) ?? new Set<string>();
      ranges.forEach((r) => set.add(r));
      byDay.set(d, set);
    }
  }
  if (byDay.size === 0) return undefined;
  // Group days sharing exactly the same ranges; keep rules in week order of their first day.
  const groups = new Map<string, number[]>();
  for (const d of [...byDay.keys()].sort((a, b) => a - b)) {
    const key = [...(byDay.get(d) as Set<string>)].sort().join(',');
    const list = groups.get(key) ?? [];
    list.push(d);
    groups.set(key, list);
  }
  const value = [...groups].map(([ranges, days]) => `${formatDays(days)} ${ranges}`).join('; ');
  const error = openingHoursError(value, { country: 'fr' });
  if (error) throw new SlotError(`produced an invalid opening_hours value "${value}" (${error})`);
  return value;
}
