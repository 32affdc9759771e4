// Bridges territory content (knowledge/) to the small tenant profile the engine needs.
import type { TenantDirectory, TenantProfile } from '../bot/tenant';
import type { Territory, TerritoryProvider } from '../knowledge/territory';

const profiles = new WeakMap<Territory, TenantProfile>();

export function tenantProfileOf(t: Territory): TenantProfile {
  let profile = profiles.get(t);
  if (!profile) {
    profile = {
      id: t.id,
      name: t.name,
      timeZone: t.timeZone,
      noticeShort: t.notice.shortText,
      contactPhone: t.contact.phone,
      contactHoursText: t.contact.hours,
      vocabulary: { communes: t.communes.map((c) => ({ id: c.id, names: [c.name, ...c.aliases] })) },
    };
    profiles.set(t, profile);
  }
  return profile;
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
