// Helpers for the back-office suites: a container with ADMIN_TOKEN (relay driven by the test), tokens
// issued through the API, and data seeded through the engine's own store port (commitTurn), as a turn does.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import type { Channel } from '../../bot/messages';
import type { JsonValue, NewRequest } from '../../bot/ports';
import type { Container, ContainerOverrides } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';

/** Building a container boots PGlite (WASM): seconds alone, much longer on a loaded CI machine. */
export const CONTAINER_TIMEOUT_MS = 120_000;

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const OTHER_TENANT = 'autre-commune';
/** A Tuesday, 10:00 in Paris: the agents of val-de-loue are at work. */
export const IN_HOURS = new Date('2026-03-10T09:00:00Z');
/** A Saturday evening: they are not. */
export const OUT_OF_HOURS = new Date('2026-03-14T19:00:00Z');

export async function backofficeContainer(
  env: Record<string, string> = {},
  overrides: ContainerOverrides = {},
): Promise<Container> {
  return createTestContainer(
    { ADMIN_TOKEN, OUTBOX_RELAY: 'false', RATE_LIMITS_ENABLED: 'false', ...env },
    { clock: () => IN_HOURS, ...overrides },
  );
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export async function issueToken(
  container: Container,
  body: { role: 'agent' | 'supervisor' | 'admin'; tenantId?: string; authorityId?: string; name?: string },
): Promise<{ token: string; id: string; agentId: string | null }> {
  const res = await request(container.app).post('/api/v1/tokens').set(bearer(ADMIN_TOKEN)).send(body);
  if (res.status !== 201) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { token: string; id: string; agentId: string | null };
}

export interface Seeded {
  conversationId: string;
  contactId: string;
  address: string;
  references: string[];
}

let counter = 0;

/**
 * A conversation with a citizen message and a bot reply, and optional requests, committed the way the
 * engine commits a turn (one transaction, with the 'request.created' outbox rows).
 */
export async function seedConversation(
  container: Container,
  options: {
    tenantId: string;
    channel?: Channel;
    address?: string;
    text?: string;
    owner?: 'bot' | 'queue' | 'agent';
    requests?: {
      type: string;
      authorityId: string;
      communeId?: string;
      payload: Record<string, unknown>;
      location?: { lat: number; lon: number };
    }[];
  },
): Promise<Seeded> {
  counter += 1;
  const channel = options.channel ?? 'webchat';
  const address =
    options.address ??
    (channel === 'webchat'
      ? `wc_seed${Date.now().toString(36)}${counter}`
      : `+336${String(10_000_000 + counter).slice(-8)}`);
  const store = container.store;
  const conv = await store.openConversation({ tenantId: options.tenantId, channel, address });
  const references: string[] = [];
  const requests: NewRequest[] = [];
  for (const r of options.requests ?? []) {
    const reference = await store.reserveReference(new Date());
    references.push(reference);
    requests.push({
      ...r,
      reference,
      tenantId: options.tenantId,
      channel,
      contactId: conv.contactId,
      conversationId: conv.id,
    });
  }
  await store.commitTurn({
    tenantId: options.tenantId,
    conversationId: conv.id,
    messages: [
      { direction: 'in', text: options.text ?? 'Bonjour, un lampadaire est en panne' },
      { direction: 'out', text: 'Merci, c’est noté.' },
    ],
    requests,
    outbox: references.map((reference, i) => ({
      kind: 'request.created',
      payload: {
        reference,
        type: requests[i]?.type ?? '',
        tenantId: options.tenantId,
        authorityId: requests[i]?.authorityId ?? '',
      },
      dedupeKey: `request.created:${reference}`,
    })),
    conversation: options.owner ? { owner: options.owner } : undefined,
  });
  return { conversationId: conv.id, contactId: conv.contactId, address, references };
}

export const incidentPayload = (
  category: string,
  description: string,
  extra: Record<string, unknown> = {},
) => ({
  category,
  description,
  geocoding: 'ok',
  ...extra,
});

/**
 * A citizen's incident report in Vernière (the demo territory's first commune), with the conversation it came
 * from: `extra` goes into the payload (a photo, a contact), `location` onto the request.
 */
export function seedReportInVerniere(
  container: Container,
  report: {
    category: string;
    description: string;
    extra?: Record<string, unknown>;
    location?: { lat: number; lon: number };
  },
): Promise<Seeded> {
  return seedConversation(container, {
    tenantId: DEMO_TENANT,
    requests: [
      {
        type: 'report_incident',
        authorityId: 'commune-verniere',
        communeId: 'verniere',
        payload: incidentPayload(report.category, report.description, report.extra),
        ...(report.location ? { location: report.location } : {}),
      },
    ],
  });
}

/** Rows of a SQL query on the container's store (tests look at what was committed). */
export async function rows<R extends object = Record<string, unknown>>(
  container: Container,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const store = container.store as unknown as {
    sql: { query<T extends object>(q: string, p?: unknown[]): Promise<{ rows: T[] }> };
  };
  return (await store.sql.query<R>(sql, params)).rows;
}

/** Collects what is published on a bus topic. */
export async function record(
  container: Container,
  topic: string,
): Promise<{ events: JsonValue[]; stop: () => Promise<void> }> {
  const events: JsonValue[] = [];
  const stop = await container.bus.subscribe(topic, (payload) => {
    events.push(payload);
  });
  return { events, stop };
}

export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  tries = 300,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function listen(container: Container): Promise<{ server: Server; base: string }> {
  return new Promise((resolve) => {
    const server = container.app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, base: `http://127.0.0.1:${port}` });
    });
  });
}

export const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
