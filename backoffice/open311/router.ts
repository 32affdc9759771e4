// Open311 GeoReport v2 at /open311/v2 (http://wiki.open311.org/GeoReport_v2), so existing tools (issue
// trackers, city apps) read and create incident reports. jurisdiction_id = the tenant (territory) id;
// api_key = a back-office API token of that tenant. Reports from every channel (web chat, SMS, phone…)
// are requests of type report_incident and appear here; reports posted here appear in the back office.
import { redactPersonalData } from '../../bot/llm/redact';
import express, { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Logger } from '../../bot/logger';
import { refuseUnsafeText } from '../api/route';
import type { OutboxItem } from '../../bot/ports';
import type { Geocoder } from '../../bot/ports/geocoder';
import {
  ReportIncidentPayloadSchema,
  type ReportIncidentPayload,
  geocodeAddress,
  placeOfPoint,
  type LocationValue,
} from '../../intents/report-incident';
import {
  competentAuthority,
  findCommune,
  type Territory,
  type TerritoryProvider,
} from '../../knowledge/territory';
import { teamsOf, type Authenticator, type Principal } from '../auth';
import type { MediaPublications, RequestStore, Scope } from '../ports';
import { MEDIA_KEY_PATTERN, mediaKeyOf, type MediaStore } from '../../bot/ports';
import { toE164 } from '../../bot/phone-numbers';
import { onlyCommune } from '../../intents/common/slots';
import type { RequestView } from '../schemas';
import { open311Error, send, sendError, splitFormat, type Format } from './format';
import { REPORT_ATTRIBUTES, REQUEST_TYPE, serviceNameOf, servicesOf } from './services';

export interface Open311Deps {
  store: RequestStore;
  auth: Authenticator;
  territories: TerritoryProvider;
  /** Reserves a DEM-YYYY-NNNNNN reference (SharedStore.reserveReference). */
  reserveReference(now: Date): Promise<string>;
  /**
   * Optional: an address without coordinates is located, a position named by its nearest address (without it, the
   * report keeps what the client sent).
   */
  geocoder?: Geocoder;
  logger: Logger;
  clock: () => Date;
  publicUrl: string;
  /** Citizens' photos: a published one is media_url, served at /open311/v2/media/…; others stay private. */
  photos?: { store: MediaStore; publications: MediaPublications };
}

const DEFAULT_DAYS = 90;
const MAX_RESULTS = 1000;
const OPEN = ['received', 'in_progress'] as const;
const CLOSED = ['resolved', 'rejected'] as const;

const optionalText = (max: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(max).optional());
const coordinate = (min: number, max: number) =>
  z.preprocess(
    // Only text and numbers become numbers: an object ({"toString": 1}) is refused by the schema, not converted.
    (v) =>
      v === '' || v === undefined
        ? undefined
        : typeof v === 'string' || typeof v === 'number'
          ? Number(v)
          : v,
    z.number().min(min).max(max).optional(),
  );
const dateParam = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z.iso.datetime({ offset: true, local: true }).or(z.iso.date()).optional(),
);

const PostRequestSchema = z.object({
  api_key: z.string({ error: 'api_key is required' }).min(1, 'api_key is required'),
  jurisdiction_id: optionalText(64),
  service_code: z.string({ error: 'service_code is required' }).min(1, 'service_code is required'),
  lat: coordinate(-90, 90),
  long: coordinate(-180, 180),
  address_string: optionalText(300),
  address_id: optionalText(100),
  email: z.preprocess((v) => (v === '' ? undefined : v), z.email().max(254).optional()),
  phone: optionalText(30),
  first_name: optionalText(80),
  last_name: optionalText(80),
  device_id: optionalText(100),
  account_id: optionalText(100),
  description: optionalText(1000),
  media_url: z.preprocess((v) => (v === '' ? undefined : v), z.url().max(2000).optional()),
});

const ListQuerySchema = z.object({
  jurisdiction_id: optionalText(64),
  api_key: optionalText(400),
  service_request_id: optionalText(4000),
  service_code: optionalText(1000),
  start_date: dateParam,
  end_date: dateParam,
  status: optionalText(40),
});

const firstIssue = (error: z.ZodError): string => {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'request'}: ${issue.message}` : 'Invalid request';
};

export function createOpen311Router(deps: Open311Deps): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 100 }));
  router.use(express.json({ limit: '32kb' }));

  /** Runs a handler; any error becomes Open311's error list in the requested format. */
  const handle =
    (format: (req: Request) => Format, fn: (req: Request, res: Response, format: Format) => Promise<void>) =>
    async (req: Request, res: Response) => {
      const f = format(req);
      try {
        refuseUnsafeText(req.query, 'query');
        refuseUnsafeText(req.body, 'body');
        await fn(req, res, f);
      } catch (error) {
        sendError(res, f, error, deps.logger);
      }
    };
  const byPath = (name: string) => (req: Request) => splitFormat(String(req.params[name] ?? ''))[1];
  const fixed = (f: Format) => () => f;

  async function principalOf(apiKey: string | undefined): Promise<Principal | null> {
    if (!apiKey) return null;
    const principal = await deps.auth.fromToken(apiKey);
    if (!principal) throw open311Error(403, 'api_key is not valid');
    return principal;
  }

  /** The jurisdiction asked for (or implied by the api_key, or the only one). */
  function territoryFor(jurisdiction: string | undefined, principal: Principal | null): Territory {
    const catalog = deps.territories.current();
    const id =
      jurisdiction ??
      principal?.tenantId ??
      (catalog.summaries().length === 1 ? catalog.summaries()[0]?.id : undefined);
    if (!id) throw open311Error(400, 'jurisdiction_id is required (the territory id)');
    const territory = catalog.get(id);
    if (!territory) throw open311Error(404, `jurisdiction_id ${id} not found`);
    if (principal && principal.tenantId !== null && principal.tenantId !== territory.id) {
      throw open311Error(403, 'api_key is not valid for this jurisdiction_id');
    }
    return territory;
  }

  const stamp = (iso: string | null, territory: Territory): string | null =>
    iso
      ? DateTime.fromISO(iso, { zone: territory.timeZone })
          .startOf('second')
          .toISO({ suppressMilliseconds: true })
      : null;

  /** A text an agent approved for the public, with any personal data left in it masked (defence in depth). */
  const published = (text: string | null): string | null => (text ? redactPersonalData(text).text : null);

  /** The stored photos among `requests` that an agent published (the only ones media_url may name). */
  async function publishedPhotos(requests: readonly RequestView[]): Promise<Set<string>> {
    const keys = requests.flatMap((r) => {
      const url = (r.payload.photo as { url?: unknown } | undefined)?.url;
      const key = typeof url === 'string' ? mediaKeyOf(url) : null;
      return key ? [key] : [];
    });
    return deps.photos ? deps.photos.publications.publishedAmong(keys) : new Set();
  }

  /** A stored photo is public only once published; another link (sent by an Open311 client) as before. */
  function mediaUrlOf(url: unknown, full: boolean, publishedKeys: ReadonlySet<string>): string | null {
    if (typeof url !== 'string') return null;
    const key = mediaKeyOf(url);
    if (key) return publishedKeys.has(key) ? `${deps.publicUrl}/open311/v2/media/${key}` : null;
    return full ? url : null;
  }

  function toServiceRequest(
    r: RequestView,
    territory: Territory,
    full: boolean,
    publishedKeys: ReadonlySet<string> = new Set(),
  ) {
    const payload = r.payload;
    const address = (payload.address ?? {}) as { text?: unknown; label?: unknown; postcode?: unknown };
    const photo = (payload.photo ?? {}) as { url?: unknown };
    const description = typeof payload.description === 'string' ? payload.description : '';
    const commune = territory.communes.find((c) => c.id === r.communeId);
    const code = typeof payload.category === 'string' ? payload.category : '';
    return {
      service_request_id: r.reference,
      status: (CLOSED as readonly string[]).includes(r.status) ? 'closed' : 'open',
      // Public read: only what an agent wrote for the public, still masked (a name or number typed by mistake);
      // with this territory's api_key (its own integrations), the agents' status note.
      status_notes: full ? r.statusNote : published(r.publicNote),
      service_name: serviceNameOf(code),
      service_code: code,
      // The citizen's own text is never published: only a description an agent approved, masked again.
      description: full ? description : published(r.publicDescription),
      agency_responsible: territory.authorities.find((a) => a.id === r.authorityId)?.name ?? r.authorityId,
      service_notice: null,
      requested_datetime: stamp(r.createdAt, territory),
      updated_datetime: stamp(r.updatedAt, territory),
      expected_datetime: null,
      address:
        r.addressText ??
        r.location?.label ??
        (typeof address.label === 'string'
          ? address.label
          : typeof address.text === 'string'
            ? address.text
            : null),
      address_id: null,
      zipcode: typeof address.postcode === 'string' ? address.postcode : (commune?.postcodes[0] ?? null),
      lat: r.location?.lat ?? null,
      long: r.location?.lon ?? null,
      media_url: mediaUrlOf(photo.url, full, publishedKeys),
    };
  }

  // ----- discovery -----
  router.get(
    ['/discovery', '/discovery.json', '/discovery.xml'],
    handle(
      (req) => (req.path.endsWith('.xml') ? 'xml' : 'json'),
      async (_req, res, format) => {
        const base = `${deps.publicUrl}/open311/v2/`;
        const first = deps.territories.current().default();
        const formats = ['text/xml', 'application/json'];
        const endpoint = {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: base,
          changeset: '2024-01-01T00:00:00Z',
          type: 'production',
          formats: format === 'xml' ? { format: formats } : formats,
        };
        send(
          res,
          format,
          200,
          {
            changeset: '2024-01-01T00:00:00Z',
            contact: first ? `${first.name} — ${first.contact.email}` : '',
            key_service:
              'API keys are back-office API tokens, issued by the territory (npm run token:create).',
            endpoints: format === 'xml' ? { endpoint: [endpoint] } : [endpoint],
          },
          { root: 'discovery' },
        );
      },
    ),
  );

  // ----- services -----
  router.get(
    ['/services', '/services.json', '/services.xml'],
    handle(
      (req) => (req.path.endsWith('.xml') ? 'xml' : 'json'),
      async (req, res, format) => {
        const query = ListQuerySchema.pick({ jurisdiction_id: true }).safeParse(req.query);
        if (!query.success) throw open311Error(400, firstIssue(query.error));
        send(res, format, 200, servicesOf(territoryFor(query.data.jurisdiction_id, null)), {
          root: 'services',
          item: 'service',
        });
      },
    ),
  );

  router.get(
    '/services/:code',
    handle(byPath('code'), async (req, res, format) => {
      const [code] = splitFormat(String(req.params.code ?? ''));
      const query = ListQuerySchema.pick({ jurisdiction_id: true }).safeParse(req.query);
      if (!query.success) throw open311Error(400, firstIssue(query.error));
      const territory = territoryFor(query.data.jurisdiction_id, null);
      if (!servicesOf(territory).some((s) => s.service_code === code))
        throw open311Error(404, `service_code ${code} not found`);
      const attributes = REPORT_ATTRIBUTES.map((a) =>
        format === 'xml' ? { ...a, values: { value: a.values } } : a,
      );
      send(
        res,
        format,
        200,
        { service_code: code, attributes: format === 'xml' ? { attribute: attributes } : attributes },
        { root: 'service_definition' },
      );
    }),
  );

  // ----- create a request -----
  router.post(
    ['/requests', '/requests.json', '/requests.xml'],
    handle(
      (req) => (req.path.endsWith('.xml') ? 'xml' : 'json'),
      async (req, res, format) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const parsed = PostRequestSchema.safeParse(body);
        if (!parsed.success) throw open311Error(400, firstIssue(parsed.error));
        const input = parsed.data;
        const principal = await principalOf(input.api_key);
        const territory = territoryFor(input.jurisdiction_id, principal);
        const service = servicesOf(territory).find((s) => s.service_code === input.service_code);
        if (!service) throw open311Error(400, `service_code ${input.service_code} not found`);
        const attributes = Object.fromEntries(
          Object.entries(body)
            .map(([k, v]) => [/^attribute\[(.+)\]$/.exec(k)?.[1], v] as const)
            .filter((e): e is readonly [string, unknown] => e[0] !== undefined),
        );
        const hasPoint = input.lat !== undefined && input.long !== undefined;
        if (!hasPoint && !input.address_string && !input.address_id) {
          throw open311Error(400, 'A location is required: lat and long, or address_string (or address_id)');
        }

        const phone = input.phone ? toE164(input.phone) : undefined;
        if (input.phone && !phone) throw open311Error(400, 'phone: not a phone number');
        const photoUrl =
          typeof attributes['photo.url'] === 'string' ? attributes['photo.url'] : input.media_url;
        // A link to the client's own copy. Never a stored photo's internal `media:` URL: a published photo's key
        // is public, and the photo belongs to the report it came with (deleted with that report's personal data).
        if (photoUrl && !/^https?:\/\//i.test(photoUrl))
          throw open311Error(400, 'media_url: an http(s) link to the photo');
        const report = {
          category: input.service_code,
          description:
            typeof attributes.description === 'string' && attributes.description
              ? attributes.description
              : input.description,
          ...(photoUrl
            ? {
                photo: {
                  url: photoUrl,
                  ...(typeof attributes['photo.contentType'] === 'string'
                    ? { contentType: attributes['photo.contentType'] }
                    : {}),
                },
              }
            : {}),
          ...(input.email
            ? { contact: { kind: 'email', value: input.email } }
            : phone
              ? { contact: { kind: 'phone', value: phone } }
              : {}),
        };
        // What the client wrote is checked before the address API is asked anything: a refused report spends
        // none of the platform's calls, and waits for none.
        reportPayload({ ...report, geocoding: 'not_found' });

        // As a conversation locates a report (one definition): a shared position is named by its nearest address,
        // whose INSEE code gives the commune the text did not name (the request goes to that commune's services);
        // an address is located within the commune the text names, or the territory's only one — below the score
        // threshold a match is a guess, a homonymous street elsewhere in France is not this territory's, and the
        // API down or over its budget leaves the report to the retry job.
        let point = hasPoint ? { lat: input.lat as number, lon: input.long as number } : undefined;
        let communeId = communeFromText(territory, input.address_string) ?? onlyCommune(territory)?.id;
        let label: string | undefined;
        let postcode: string | undefined;
        let citycode: string | undefined;
        let geocoding: LocationValue['geocoding'] = hasPoint ? 'shared' : 'not_found';
        if (point && deps.geocoder) {
          const place = await placeOfPoint(deps.geocoder, territory, point);
          ({ label, postcode, citycode } = place);
          communeId ??= place.communeId;
        } else if (input.address_string && deps.geocoder) {
          const loc = await geocodeAddress(deps.geocoder, territory, input.address_string, communeId);
          geocoding = loc.geocoding;
          if (loc.geocoding === 'ok' && loc.lat !== undefined && loc.lon !== undefined) {
            point = { lat: loc.lat, lon: loc.lon };
            ({ label, postcode, citycode } = loc);
            communeId = loc.communeId;
          }
        }
        const needsGeocoding = geocoding === 'unavailable';
        const payload = reportPayload({
          ...report,
          ...(input.address_string || label
            ? { address: { text: input.address_string, label, postcode, citycode } }
            : {}),
          geocoding,
        });

        const authority =
          competentAuthority(territory, REQUEST_TYPE, communeId, input.service_code) ??
          fallbackAuthority(territory, input.service_code);
        if (!authority)
          throw open311Error(400, `No authority handles ${input.service_code} in this jurisdiction`);
        const reference = await deps.reserveReference(deps.clock());
        const outbox: OutboxItem[] = [
          {
            kind: 'request.created',
            payload: {
              reference,
              type: REQUEST_TYPE,
              tenantId: territory.id,
              authorityId: authority.id,
              channel: 'open311',
            },
            dedupeKey: `request.created:${reference}`,
          },
        ];
        const created = await deps.store.createRequest(
          {
            tenantId: territory.id,
            reference,
            type: REQUEST_TYPE,
            authorityId: authority.id,
            communeId,
            channel: 'open311',
            payload: payload as Record<string, unknown>,
            location: point ? { ...point, ...(label ? { label } : {}) } : undefined,
            addressText: input.address_string,
            needsGeocoding,
            actor: principal?.tokenId ? `open311:token:${principal.tokenId}` : 'open311',
          },
          outbox,
        );
        send(
          res,
          format,
          201,
          [
            {
              service_request_id: created.reference,
              service_notice: `Votre signalement est enregistré sous la référence ${created.reference}.`,
              account_id: null,
              token: created.id,
            },
          ],
          { root: 'service_requests', item: 'request' },
        );
      },
    ),
  );

  // ----- read requests -----
  async function readScope(
    query: z.infer<typeof ListQuerySchema>,
  ): Promise<{ territory: Territory; scope: Scope; full: boolean }> {
    const principal = await principalOf(query.api_key);
    const territory = territoryFor(query.jurisdiction_id, principal);
    return {
      territory,
      scope: {
        tenantId: territory.id,
        authorityId: principal?.authorityId ?? null,
        teams: principal ? teamsOf(principal) : null,
      },
      full: principal !== null,
    };
  }

  router.get(
    ['/requests', '/requests.json', '/requests.xml'],
    handle(
      (req) => (req.path.endsWith('.xml') ? 'xml' : 'json'),
      async (req, res, format) => {
        const parsed = ListQuerySchema.safeParse(req.query);
        if (!parsed.success) throw open311Error(400, firstIssue(parsed.error));
        const query = parsed.data;
        const { territory, scope, full } = await readScope(query);
        const list = (v: string | undefined) =>
          v
            ?.split(',')
            .map((s) => s.trim())
            .filter(Boolean);
        const references = list(query.service_request_id);
        const statuses = list(query.status);
        if (statuses?.some((s) => s !== 'open' && s !== 'closed'))
          throw open311Error(400, 'status: open or closed');
        const end = query.end_date ? new Date(query.end_date) : deps.clock();
        const start = query.start_date
          ? new Date(query.start_date)
          : new Date(end.getTime() - DEFAULT_DAYS * 86_400_000);
        const page = await deps.store.listRequests(scope, {
          types: [REQUEST_TYPE],
          // A list of ids is answered as such; the other filters apply otherwise (as the spec says).
          ...(references
            ? { references }
            : {
                categories: list(query.service_code),
                status: statuses
                  ? statuses.flatMap((s) => (s === 'open' ? [...OPEN] : [...CLOSED]))
                  : undefined,
                from: start,
                to: new Date(end.getTime() + 1),
              }),
          limit: MAX_RESULTS,
        });
        send(
          res,
          format,
          200,
          await (async () => {
            const publishedKeys = await publishedPhotos(page.items);
            return page.items.map((r) => toServiceRequest(r, territory, full, publishedKeys));
          })(),
          { root: 'service_requests', item: 'request' },
        );
      },
    ),
  );

  // A published photo, for anyone (media_url); an unpublished or unknown one is the same 404.
  router.get('/media/:tenant/:photoId', async (req, res): Promise<void> => {
    const key = `${String(req.params.tenant)}/${String(req.params.photoId)}`;
    const notFound = (): void => void res.status(404).json([{ code: 404, description: 'media not found' }]);
    if (!deps.photos || !MEDIA_KEY_PATTERN.test(key)) return notFound();
    try {
      if (!(await deps.photos.publications.publishedAmong([key])).has(key)) return notFound();
      const photo = await deps.photos.store.get(key);
      if (!photo) return notFound();
      res.set({
        'Content-Type': photo.contentType,
        'Cache-Control': 'public, max-age=300',
        'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': 'inline',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      });
      res.end(photo.bytes);
    } catch (error) {
      sendError(res, 'json', error, deps.logger);
    }
  });

  router.get(
    '/requests/:id',
    handle(byPath('id'), async (req, res, format) => {
      const [id] = splitFormat(String(req.params.id ?? ''));
      const parsed = ListQuerySchema.safeParse(req.query);
      if (!parsed.success) throw open311Error(400, firstIssue(parsed.error));
      const { territory, scope, full } = await readScope(parsed.data);
      const found = await deps.store.getRequestByReference(scope, id);
      if (!found || found.type !== REQUEST_TYPE)
        throw open311Error(404, `service_request_id ${id} not found`);
      const publishedKeys = await publishedPhotos([found]);
      send(res, format, 200, [toServiceRequest(found, territory, full, publishedKeys)], {
        root: 'service_requests',
        item: 'request',
      });
    }),
  );

  router.get(
    '/tokens/:token',
    handle(byPath('token'), async (req, res, format) => {
      const [token] = splitFormat(String(req.params.token ?? ''));
      const parsed = ListQuerySchema.safeParse(req.query);
      if (!parsed.success) throw open311Error(400, firstIssue(parsed.error));
      const { scope } = await readScope(parsed.data);
      const found = await deps.store.getRequest(scope, token);
      if (!found || found.type !== REQUEST_TYPE) throw open311Error(404, `token ${token} not found`);
      send(res, format, 200, [{ service_request_id: found.reference, token }], {
        root: 'service_requests',
        item: 'request',
      });
    }),
  );

  router.use(
    handle(fixed('json'), async () => {
      throw open311Error(404, 'No such Open311 resource');
    }),
  );
  // Body parser failures (bad JSON, too large) in the Open311 format too.
  router.use((error: unknown, _req: Request, res: Response, _next: express.NextFunction) =>
    sendError(res, 'json', error, deps.logger),
  );
  return router;
}

/** The report as the incident form defines it, or the spec's 400 naming the first field at fault. */
function reportPayload(candidate: Record<string, unknown>): ReportIncidentPayload {
  const payload = ReportIncidentPayloadSchema.safeParse(candidate);
  if (payload.success) return payload.data;
  const issue = payload.error.issues[0];
  throw open311Error(
    400,
    issue?.path[0] === 'description'
      ? 'description: required, 3 to 1000 characters'
      : firstIssue(payload.error),
  );
}

/** A commune named in the address: its postcode, or its name / alias. */
function communeFromText(territory: Territory, text: string | undefined): string | undefined {
  if (!text) return undefined;
  for (const postcode of text.match(/\b\d{5}\b/g) ?? []) {
    const byPostcode = territory.communes.filter((c) => c.postcodes.includes(postcode));
    if (byPostcode.length === 1) return byPostcode[0]?.id;
  }
  const parts = text
    .split(/[,;\n]/)
    .map((p) => p.replace(/\b\d{5}\b/g, '').trim())
    .filter(Boolean);
  for (const part of parts.reverse()) {
    const commune = findCommune(territory, part);
    if (commune) return commune.id;
  }
  return undefined;
}

/** Commune unknown: the intercommunality when it is competent, else any competent authority. */
function fallbackAuthority(territory: Territory, category: string) {
  const competent = territory.authorities.filter(
    (a) => a.competences.includes(`${REQUEST_TYPE}:${category}`) || a.competences.includes(REQUEST_TYPE),
  );
  return competent.find((a) => a.kind === 'intercommunalite') ?? competent[0];
}
