// Where a territory's webhook may be delivered: public addresses only, unless the platform's operator lists an
// intranet receiver (WEBHOOK_ALLOWED_HOSTS). Without this, a tenant administrator could register
// http://127.0.0.1:6379 or http://169.254.169.254/ and read the delivery log as a port scanner of our network.
// The URL parser normalises numeric tricks (2130706433, 0x7f.1, 017700000001 → 127.0.0.1); the host is resolved
// and every address it resolves to must be public (ipaddr.js names the ranges); the delivery then connects to the
// address that was checked (the connection is pinned), so a DNS answer that changes in between (rebinding)
// cannot redirect it.
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { withDeadline } from '../../bot/deadline';

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** The system's resolver, given 3 s: a slow DNS must not hold an API call or a delivery (it counts as unresolved). */
const systemResolver: Resolver = (hostname) =>
  withDeadline(lookup(hostname, { all: true, verbatim: true }), 3000, () => new Error('DNS timeout'));

export interface WebhookAddressPolicy {
  /** Host names allowed whatever they resolve to (exact, lower case). */
  hosts: ReadonlySet<string>;
  /** Address ranges allowed although private (an intranet receiver). */
  ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

export const NO_EXCEPTIONS: WebhookAddressPolicy = { hosts: new Set(), ranges: [] };

/** WEBHOOK_ALLOWED_HOSTS: comma-separated host names and CIDR ranges ("crm.mairie.local, 10.20.0.0/16"). */
export function parseAllowList(value: string | undefined): WebhookAddressPolicy {
  const hosts = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const raw of (value ?? '').split(',')) {
    const item = raw.trim().toLowerCase();
    if (!item) continue;
    if (item.includes('/')) ranges.push(ipaddr.parseCIDR(item));
    else if (ipaddr.isValid(item)) {
      const address = ipaddr.parse(item);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else hosts.add(item);
  }
  return { hosts, ranges };
}

export type VettedAddress =
  { ok: true; address: string; family: 4 | 6 } | { ok: false; reason: string; unresolved?: boolean };

/** An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is judged as the IPv4 address it is. */
function normalised(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
}

function allowedAddress(address: ipaddr.IPv4 | ipaddr.IPv6, policy: WebhookAddressPolicy): boolean {
  // 'unicast' is ipaddr.js's name for what is left once every special range (loopback, private, link-local with
  // the cloud metadata address, carrier-grade NAT, unique-local, multicast, 6to4/Teredo/NAT64 that can embed a
  // private address, reserved…) is named.
  if (address.range() === 'unicast') return true;
  return policy.ranges.some(([range, bits]) => {
    if (range.kind() !== address.kind()) return false;
    return address.kind() === 'ipv4'
      ? (address as ipaddr.IPv4).match(range as ipaddr.IPv4, bits)
      : (address as ipaddr.IPv6).match(range as ipaddr.IPv6, bits);
  });
}

/**
 * Checks a webhook URL: http(s), and a host whose every address is public (or allowed). Answers the address to
 * connect to, so the delivery connects where the check looked.
 */
export async function vetWebhookUrl(
  url: string,
  policy: WebhookAddressPolicy,
  resolve: Resolver = systemResolver,
): Promise<VettedAddress> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return { ok: false, reason: 'only http and https URLs are delivered' };
  if (parsed.username || parsed.password)
    return { ok: false, reason: 'credentials in the URL are not accepted' };
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const hostAllowed = policy.hosts.has(host);
  // 'localhost' names the machine itself whatever a resolver says (RFC 6761).
  if (!hostAllowed && (host === 'localhost' || host.endsWith('.localhost')))
    return { ok: false, reason: `${host} is this machine` };
  let addresses: { address: string; family: number }[];
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return { ok: false, reason: `the host ${host} cannot be resolved`, unresolved: true };
    }
  }
  if (addresses.length === 0)
    return { ok: false, reason: `the host ${host} cannot be resolved`, unresolved: true };
  for (const { address } of addresses) {
    if (!ipaddr.isValid(address))
      return { ok: false, reason: `the host ${host} resolves to an invalid address` };
    if (!hostAllowed && !allowedAddress(normalised(address), policy))
      return {
        ok: false,
        reason: `${host} is a private, loopback, link-local or reserved address (${normalised(address).range()}); list it in WEBHOOK_ALLOWED_HOSTS if it is an intranet receiver`,
      };
  }
  const first = addresses[0]!;
  return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
}
