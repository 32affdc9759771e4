// What the web chat needs to know about a territory: who it is, its data notice, which sites may embed it.
import type { Territory, TerritoryProvider } from '../../knowledge/territory';

export interface WebchatTenant {
  id: string;
  name: string;
  /** The short personal-data notice shown in the panel before the first message. */
  notice: string;
  /** The same in English, when the territory translated it. */
  noticeEn?: string;
  locale: 'fr' | 'en';
  /** The full privacy notice (the territory's page, or Guichet's /privacy page, relative to the app). */
  privacyUrl: string;
  accessibilityUrl?: string;
  /** Where the location map opens when the citizen does not share a position. */
  center?: { lat: number; lon: number };
  /** Origins (scheme://host[:port]) of the sites allowed to call the API from a browser. */
  allowedOrigins: readonly string[];
}

export interface WebchatTenants {
  /** Widget key (data-tenant) or tenant id → tenant; no key → the default territory. */
  resolve(key: string | undefined): WebchatTenant | undefined;
  /** Every origin some territory allows (a preflight does not always say which tenant it is for). */
  anyAllows(origin: string): boolean;
}

/** Normalizes "https://www.example.fr/" to "https://www.example.fr"; undefined when not a URL. */
export function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** Reads the current catalog on every call, so a territory hot reload is seen at once. */
export function webchatTenantsFrom(territories: TerritoryProvider): WebchatTenants {
  const toTenant = (t: Territory): WebchatTenant => ({
    id: t.id,
    name: t.name,
    notice: t.notice.shortText,
    noticeEn: t.notice.en?.shortText,
    locale: t.defaultLocale,
    privacyUrl: t.privacyUrl ?? `/privacy?tenant=${encodeURIComponent(t.id)}`,
    accessibilityUrl: t.accessibilityUrl,
    center: t.center,
    allowedOrigins: t.channels.allowedOrigins.map(originOf).filter((o): o is string => Boolean(o)),
  });
  return {
    resolve(key) {
      const catalog = territories.current();
      const t = key ? (catalog.byWebchatKey(key) ?? catalog.get(key)) : catalog.default();
      return t ? toTenant(t) : undefined;
    },
    anyAllows(origin) {
      return territories.current().allowsOrigin(origin);
    },
  };
}
