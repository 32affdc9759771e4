// From an identity provider's claims to a Guichet agent: name, email, role, tenant and authority. Pure,
// so each mapping rule is tested without a provider. A person the mapping does not recognise is refused
// (no role, no tenant): signing in with a valid account of the provider is not enough to see requests.
import type { Role } from '../schemas';

export interface ClaimMapping {
  /** Dotted path of the claim holding roles or groups (Keycloak: realm_access.roles; Entra ID: roles). */
  roleClaim: string;
  /** Claim value → role; the highest role found wins. */
  roleMap: Record<string, Role>;
  /** Role of a person whose claims match no entry (unset: refused). */
  defaultRole?: Role;
  /** Dotted path of the claim naming the tenant (or the organisation, mapped by tenantMap). */
  tenantClaim?: string;
  /** Claim value → tenant id; without it the claim value is the tenant id itself. */
  tenantMap: Record<string, string>;
  /** Tenant of a person without the tenant claim (single-commune installations). */
  defaultTenant?: string;
  /** Dotted path of the claim naming the competent authority the agent works for (unset: the whole tenant). */
  authorityClaim?: string;
}

export type Claims = Record<string, unknown>;

export type MappedAgent =
  | {
      ok: true;
      subject: string;
      name: string;
      email: string | null;
      role: Role;
      tenantId: string;
      authorityId: string | null;
    }
  | { ok: false; reason: 'no_role' | 'no_tenant' | 'no_subject' };

const RANK: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3 };

/** "a=b,c=d" (whitespace ignored) → { a: 'b', c: 'd' }; an entry without '=' is a configuration error. */
export function parsePairs(text: string | undefined): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const entry of (text ?? '').split(',')) {
    if (!entry.trim()) continue;
    const eq = entry.lastIndexOf('=');
    if (eq <= 0 || eq === entry.length - 1) throw new Error(`"${entry.trim()}" is not value=target`);
    pairs[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim();
  }
  return pairs;
}

export function claimAt(claims: Claims, path: string): unknown {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim() : undefined;

export function mapClaims(claims: Claims, mapping: ClaimMapping): MappedAgent {
  const subject = text(claims.sub);
  if (!subject) return { ok: false, reason: 'no_subject' };

  let role: Role | undefined;
  for (const value of strings(claimAt(claims, mapping.roleClaim))) {
    const mapped = mapping.roleMap[value];
    if (mapped && (!role || RANK[mapped] > RANK[role])) role = mapped;
  }
  role ??= mapping.defaultRole;
  if (!role) return { ok: false, reason: 'no_role' };

  const tenantValue = mapping.tenantClaim ? strings(claimAt(claims, mapping.tenantClaim))[0] : undefined;
  const tenantId =
    (tenantValue !== undefined
      ? Object.keys(mapping.tenantMap).length > 0
        ? mapping.tenantMap[tenantValue]
        : tenantValue
      : undefined) ?? mapping.defaultTenant;
  if (!tenantId) return { ok: false, reason: 'no_tenant' };

  const authorityId = mapping.authorityClaim
    ? (strings(claimAt(claims, mapping.authorityClaim))[0] ?? null)
    : null;
  const email = text(claims.email) ?? null;
  const given = text(claims.given_name);
  const family = text(claims.usual_name) ?? text(claims.family_name);
  const name =
    text(claims.name) ?? ([given, family].filter(Boolean).join(' ') || email || subject).slice(0, 200);
  return { ok: true, subject, name, email, role, tenantId, authorityId };
}
