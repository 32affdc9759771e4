// Bridges territory content (knowledge/) to the small tenant profile the engine needs.
import { memoOn } from '../bot/memo-on';
import type { TenantDirectory, TenantProfile } from '../bot/tenant';
import type { Territory, TerritoryProvider } from '../knowledge/territory';
import { weekSummary } from '../knowledge/opening-hours';

const PROFILE = Symbol('tenant profile');

/** The territory's profile, built once per territory object (kept on it: bot/memo-on.ts). */
export function tenantProfileOf(territory: Territory): TenantProfile {
  return memoOn(territory, PROFILE, (t) => {
    let hours: string | undefined;
    const profile: TenantProfile = {
      id: t.id,
      name: t.name,
      timeZone: t.timeZone,
      noticeShort: t.notice.shortText,
      ...(t.notice.en?.shortText ? { noticeShortEn: t.notice.en.shortText } : {}),
      contactPhone: t.contact.phone,
      // Phrased on first use: only the rare answers that send the citizen to the counter say them, and phrasing
      // evaluates a week of opening hours (~1.4 ms). On a platform a territory's profile is rebuilt each time its
      // content is inflated again (beyond TERRITORY_CACHE_SIZE), so this was paid on ordinary turns.
      get contactHoursText() {
        return (hours ??= usualHours(t));
      },
      vocabulary: { communes: t.communes.map((c) => ({ id: c.id, names: [c.name, ...c.aliases] })) },
    };
    return profile;
  });
}

/** Always reads the current catalog, so a hot reload is seen by the next turn. */
export function tenantDirectory(provider: TerritoryProvider): TenantDirectory {
  return {
    get(id) {
      const t = provider.current().get(id);
      return t ? tenantProfileOf(t) : undefined;
    },
  };
}

/** A week without holidays (Monday 12 January 2026), to phrase the usual hours. */
const ORDINARY_MONDAY = new Date('2026-01-12T10:00:00Z');

/**
 * The counter's usual hours in words, for the degraded answer ("lundi – vendredi : 8 h 30 – 12 h,
 * 13 h 30 – 17 h"): never the raw opening_hours syntax. Consecutive days with the same hours are merged.
 */
export function usualHours(t: Territory): string {
  try {
    const lines = weekSummary(
      { name: t.name, openingHours: t.contact.hours },
      { timeZone: t.timeZone, holidays: t.holidays, center: t.center },
      ORDINARY_MONDAY,
      'fr',
    );
    const days = lines.map((line) => {
      const [day = '', hours = ''] = line.split(' : ');
      return { day: day.toLowerCase(), hours };
    });
    const groups: { from: string; to: string; hours: string }[] = [];
    for (const d of days) {
      const last = groups[groups.length - 1];
      if (last && last.hours === d.hours) last.to = d.day;
      else groups.push({ from: d.day, to: d.day, hours: d.hours });
    }
    const open = groups.filter((g) => g.hours !== 'fermé');
    const text = open
      .map((g) => `${g.from === g.to ? g.from : `${g.from} – ${g.to}`} : ${g.hours}`)
      .join(' ; ');
    return text || t.contact.hours;
  } catch {
    return t.contact.hours;
  }
}
