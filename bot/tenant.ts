// What the engine itself needs to know about a tenant (territory). The full territory content lives in
// knowledge/; intents get it through their own dependencies, so the engine stays independent of its format.
export interface TenantProfile {
  id: string;
  name: string;
  timeZone: string;
  /** Short personal-data notice shown at first contact on every channel. */
  noticeShort: string;
  /** The same in English, when the territory translated it (a citizen who writes in English gets it). */
  noticeShortEn?: string;
  /** The counter's phone and hours, given when the service is degraded. */
  contactPhone: string;
  contactHoursText: string;
  vocabulary?: { communes?: { id: string; names: string[] }[] };
}

export interface TenantDirectory {
  get(tenantId: string): TenantProfile | undefined;
}
