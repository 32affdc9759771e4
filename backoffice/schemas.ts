// The back office's data shapes, as zod schemas: what the API reads (bodies, queries) and what it answers
// (views). The OpenAPI document is generated from these same schemas, so it cannot drift from the code.
import { z } from 'zod';
import type { RequestStatus } from '../bot/ports';

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Events a territory can subscribe a webhook URL to. */
export const WEBHOOK_EVENTS = [
  'request.created',
  'request.status_changed',
  'request.followed',
  'request.transferred',
  'conversation.handover',
  'intervention.created',
  'intervention.status_changed',
] as const;
export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

export const RequestStatusSchema = z.enum([
  'received',
  'in_progress',
  'resolved',
  'rejected',
] as const satisfies readonly RequestStatus[]);
export const OwnerSchema = z.enum(['bot', 'queue', 'agent']);
/** bot / queue (waiting for an agent) / agent: open conversations by owner; closed: finished ones. */
export const ConversationStateSchema = z.enum(['bot', 'queue', 'agent', 'closed']);
export type ConversationStateFilter = z.infer<typeof ConversationStateSchema>;

const Timestamp = z.string().meta({ format: 'date-time', description: 'ISO 8601 instant' });
const TenantId = z.string().min(1).max(64);
export const Uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');

// ---------- Views (answers) ----------

export const RequestEventKindSchema = z.enum([
  'status',
  'note',
  'assignment',
  'reply',
  'transfer',
  'intervention',
]);
export type RequestEventKind = z.infer<typeof RequestEventKindSchema>;

export const RequestEventViewSchema = z.object({
  /** What happened: a status change (the default), an internal note, an assignment, a reply to the citizen… */
  kind: RequestEventKindSchema,
  /** The request's status after the event. */
  status: RequestStatusSchema,
  note: z.string().nullable(),
  /** Written for the citizen and the public: only such notes are ever published (Open311 status_notes). */
  public: z.boolean(),
  /** What the kind needs (assignee, a reply's delivery status, …). */
  details: z.record(z.string(), z.unknown()).nullable(),
  actor: z.string(),
  createdAt: Timestamp,
});
export type RequestEventView = z.infer<typeof RequestEventViewSchema>;

export const RequestViewSchema = z.object({
  id: z.string(),
  reference: z.string().meta({ description: 'DEM-YYYY-NNNNNN' }),
  tenantId: z.string(),
  type: z.string(),
  status: RequestStatusSchema,
  authorityId: z.string(),
  communeId: z.string().nullable(),
  channel: z.string(),
  contactId: z.string().nullable(),
  conversationId: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  location: z.object({ lat: z.number(), lon: z.number(), label: z.string().nullable() }).nullable(),
  addressText: z.string().nullable(),
  /** The team whose queue the request is in (routing rules or an assignment). */
  teamId: z.string().nullable(),
  /** The agent it is assigned to. */
  assignedAgentId: z.string().nullable(),
  /** Display name of the assignee: the agent's name, or the free text of an assignment made before teams. */
  assignedTo: z.string().nullable(),
  /** The latest note of its history (told to the citizen with the status). */
  statusNote: z.string().nullable(),
  /** The latest note written for the public (the only one Open311 publishes). */
  publicNote: z.string().nullable(),
  /** The description an agent approved for publication (the citizen's own text is never published). */
  publicDescription: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  resolvedAt: Timestamp.nullable(),
  /** Creation + the service level of its type or category (calendar days); null without one. */
  dueAt: Timestamp.nullable().optional(),
});
export type RequestView = z.infer<typeof RequestViewSchema>;

export const ConversationViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  channel: z.string(),
  /** Phone number, web chat session or Bot Framework id: what the citizen is reached at. */
  address: z.string(),
  contactId: z.string(),
  owner: OwnerSchema,
  status: z.enum(['open', 'closed']),
  agentId: z.string().nullable(),
  lastIntent: z.string().nullable(),
  nluFallbacks: z.number().int(),
  handedOverAt: Timestamp.nullable(),
  firstAgentReplyAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  closedAt: Timestamp.nullable(),
  lastMessage: z
    .object({ direction: z.enum(['in', 'out', 'agent']), text: z.string(), createdAt: Timestamp })
    .nullable(),
});
export type ConversationView = z.infer<typeof ConversationViewSchema>;

export const MessageViewSchema = z.object({
  id: z.string(),
  direction: z.enum(['in', 'out', 'agent']),
  text: z.string(),
  payload: z.unknown().nullable(),
  intent: z.string().nullable(),
  agentId: z.string().nullable(),
  createdAt: Timestamp,
});
export type MessageView = z.infer<typeof MessageViewSchema>;

export const RequestDetailViewSchema = RequestViewSchema.extend({
  events: z.array(RequestEventViewSchema),
  conversation: ConversationViewSchema.nullable(),
  /**
   * The citizens who reported the same problem and chose to follow this request instead of filing a duplicate:
   * when, and on which channel they are told (no personal data).
   */
  followers: z.array(z.object({ since: Timestamp, channel: z.string().nullable() })),
});
export type RequestDetailView = z.infer<typeof RequestDetailViewSchema>;

/** What the bot handed over with the conversation (the latest 'conversation.handover' summary). */
export const HandoverSummarySchema = z.object({
  at: Timestamp,
  summary: z.record(z.string(), z.unknown()),
});

export const ConversationDetailViewSchema = ConversationViewSchema.extend({
  messages: z.array(MessageViewSchema),
  requests: z.array(RequestViewSchema),
  handover: HandoverSummarySchema.nullable(),
});
export type ConversationDetailView = z.infer<typeof ConversationDetailViewSchema>;

export const IdentityViewSchema = z.object({
  channel: z.string(),
  address: z.string(),
  createdAt: Timestamp,
});

export const ContactViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  displayName: z.string().nullable(),
  locale: z.string().nullable(),
  optedOut: z.boolean(),
  createdAt: Timestamp,
  erasedAt: Timestamp.nullable(),
  identities: z.array(IdentityViewSchema),
  conversations: z.array(ConversationViewSchema),
  requests: z.array(RequestViewSchema),
});
export type ContactView = z.infer<typeof ContactViewSchema>;

/** RGPD right of access: everything stored about the contact. */
export const ContactExportSchema = z.object({
  exportedAt: Timestamp,
  contact: ContactViewSchema.omit({ conversations: true, requests: true }),
  conversations: z.array(ConversationViewSchema.extend({ messages: z.array(MessageViewSchema) })),
  requests: z.array(RequestViewSchema.extend({ events: z.array(RequestEventViewSchema) })),
});
export type ContactExport = z.infer<typeof ContactExportSchema>;

export const ErasureResultSchema = z.object({
  contactId: z.string(),
  erasedAt: Timestamp,
  messagesDeleted: z.number().int(),
  identitiesDeleted: z.number().int(),
  requestsAnonymised: z.number().int(),
  conversations: z.array(z.string()),
});
export type ErasureResult = z.infer<typeof ErasureResultSchema>;

const Count = z.object({
  key: z.string(),
  count: z.number().int(),
  /** What people read (the territory's and services' French names); set by the API, never an id. */
  label: z.string().optional(),
});
/** Seconds: how many requests were measured, their median and 90th percentile. */
const Spread = z.object({
  count: z.number().int(),
  median: z.number().nullable(),
  p90: z.number().nullable(),
});
const InTime = z.object({
  /** Requests with a service level that were resolved or whose deadline fell before the period's end. */
  due: z.number().int(),
  /** Those resolved within their service level. */
  withinLevel: z.number().int(),
  rate: z.number().nullable(),
});
/** Satisfaction answers: how many, how many 4 or 5, their share and the mean score. */
const Csat = z.object({
  count: z.number().int(),
  satisfied: z.number().int(),
  rate: z.number().nullable(),
  mean: z.number().nullable(),
});
/** The headline figures of a period, to compare two periods (see backoffice/indicators/definitions.ts). */
export const IndicatorsHeadlineSchema = z.object({
  from: Timestamp,
  to: Timestamp,
  requests: z.number().int(),
  firstResponseMedian: z.number().nullable(),
  assignmentMedian: z.number().nullable(),
  resolutionMedian: z.number().nullable(),
  resolutionP90: z.number().nullable(),
  inTimeRate: z.number().nullable(),
  backlog: z.number().int(),
  containmentRate: z.number().nullable(),
  handoverRate: z.number().nullable(),
  agentWaitMedian: z.number().nullable(),
  callbacksKeptRate: z.number().nullable(),
  interventionsDone: z.number().int(),
  satisfactionRate: z.number().nullable(),
});
export type IndicatorsHeadline = z.infer<typeof IndicatorsHeadlineSchema>;

export const IndicatorsViewSchema = z.object({
  tenantId: z.string(),
  from: Timestamp,
  to: Timestamp,
  timeZone: z.string(),
  /** Whose figures these are (set by the API): one authority's, or the territory's. */
  scope: z
    .object({
      authorityId: z.string().nullable(),
      label: z.string(),
      /** False when a commune or partner reads the territory: aggregates only, no other actor's figures. */
      breakdowns: z.boolean(),
    })
    .optional(),
  requests: z.object({
    total: z.number().int(),
    byType: z.array(Count),
    /** Incident categories, keyed 'type:category' (requests without a category are not listed). */
    byCategory: z.array(Count),
    byChannel: z.array(Count),
    byCommune: z.array(Count.extend({ key: z.string().meta({ description: "commune id, or 'unknown'" }) })),
    byAuthority: z.array(Count),
    /** Commune vs intercommunalité vs partner (set by the API from the territory). */
    byAuthorityKind: z.array(Count).optional(),
    byWeek: z.array(Count.extend({ key: z.string().meta({ description: 'ISO week, e.g. 2026-W07' }) })),
    byStatus: z.array(Count),
    /** Median seconds from creation until the request left 'received'. */
    medianFirstResponseSeconds: z.number().nullable(),
    /** Median seconds from creation to 'resolved'. */
    medianResolutionSeconds: z.number().nullable(),
  }),
  delays: z.object({
    firstResponse: Spread,
    /** Until the first assignment to a person (routing to a team's queue is not one). */
    assignment: Spread,
    resolution: Spread,
    inTime: InTime,
    /** Per service level (a type, or a type's category with its own delay). */
    byServiceLevel: z.array(
      InTime.extend({
        key: z.string(),
        label: z.string().optional(),
        days: z.number(),
        resolution: Spread,
      }),
    ),
  }),
  /** Requests still open at the period's end, by age ('0-7', '8-30', '31-90', '91+' days). */
  backlog: z.object({ open: z.number().int(), ageing: z.array(Count) }),
  conversations: z.object({
    total: z.number().int(),
    handedOver: z.number().int(),
    /** Share of conversations that never went to an agent. */
    containmentRate: z.number().nullable(),
    /** Share of conversations handed over to the agents' queue. */
    handoverRate: z.number().nullable(),
    /** Share of the bot's turns where the NLU was unsure (clarification or knowledge fallback). */
    nluFallbackRate: z.number().nullable(),
    botTurns: z.number().int(),
    /** Median seconds from the handover to the first agent message. */
    medianFirstAgentReplySeconds: z.number().nullable(),
    /** Waiting time to an agent: from the handover to the first agent message. */
    agentWait: Spread,
    byChannel: z.array(Count),
  }),
  /** Callbacks promised for a time within the period: kept = done by the promised time. */
  callbacks: z.object({ due: z.number().int(), kept: z.number().int(), rate: z.number().nullable() }),
  /** Interventions done within the period, per team ('none': no team). */
  interventions: z.object({ done: z.number().int(), byTeam: z.array(Count) }),
  /**
   * Citizen satisfaction (CSAT): the scores 1–5 given within the period; `rate` is the share of 4 and 5.
   * By channel, by service (the request's type; 'conversation' for a conversation after an agent) and by the
   * request's team ('none': no team).
   */
  satisfaction: Csat.extend({
    byChannel: z.array(Csat.extend({ key: z.string(), label: z.string().optional() })),
    byType: z.array(Csat.extend({ key: z.string(), label: z.string().optional() })),
    byTeam: z.array(Csat.extend({ key: z.string(), label: z.string().optional() })),
  }),
  trend: z.object({
    granularity: z.enum(['week', 'month']),
    buckets: z.array(
      z.object({
        /** First day of the week (Monday) or month, in the time zone: 2026-03-02. */
        key: z.string(),
        label: z.string().optional(),
        requests: z.number().int(),
        resolved: z.number().int(),
        conversations: z.number().int(),
        handedOver: z.number().int(),
      }),
    ),
  }),
  /** The same figures over the previous period of the same length (set by the API). */
  previous: IndicatorsHeadlineSchema.optional(),
  /** The headline figures with their French label and definition, current and previous (set by the API). */
  figures: z
    .array(
      z.object({
        key: z.string(),
        label: z.string(),
        unit: z.enum(['count', 'seconds', 'rate']),
        counts: z.string(),
        better: z.enum(['up', 'down', 'neither']),
        value: z.number().nullable(),
        previous: z.number().nullable(),
      }),
    )
    .optional(),
});
export type IndicatorsView = z.infer<typeof IndicatorsViewSchema>;

export const TokenViewSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  role: RoleSchema,
  tenantId: z.string().nullable(),
  authorityId: z.string().nullable(),
  agentId: z.string().nullable(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export type TokenView = z.infer<typeof TokenViewSchema>;

export const CreatedTokenSchema = TokenViewSchema.extend({
  token: z.string().meta({ description: 'Shown once: only its SHA-256 hash is stored.' }),
});

export const WebhookViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  authorityId: z.string().nullable(),
  url: z.string(),
  events: z.array(WebhookEventSchema),
  active: z.boolean(),
  failureCount: z.number().int(),
  lastDeliveryAt: Timestamp.nullable(),
  createdAt: Timestamp,
});
export type WebhookView = z.infer<typeof WebhookViewSchema>;

export const CreatedWebhookSchema = WebhookViewSchema.extend({
  secret: z.string().meta({ description: 'HMAC-SHA256 key of the X-Guichet-Signature header. Shown once.' }),
});

export const DeliveryViewSchema = z.object({
  id: z.string(),
  subscriptionId: z.string().nullable(),
  event: z.string().nullable(),
  url: z.string().nullable(),
  /** Idempotency key, sent as X-Guichet-Delivery. */
  dedupeKey: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: Timestamp.nullable(),
  deliveredAt: Timestamp.nullable(),
  createdAt: Timestamp,
});
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass as ?cursor= for the next page' }),
  });
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const MeViewSchema = z.object({
  tokenId: z.string().nullable(),
  role: RoleSchema,
  tenantId: z.string().nullable(),
  authorityId: z.string().nullable(),
  agentId: z.string().nullable(),
  name: z.string().nullable(),
  /** The teams the agent belongs to (an agent in teams works on their requests only). */
  teamIds: z.array(z.string()),
  tenants: z.array(z.object({ id: z.string(), name: z.string() })),
});

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

// ---------- Inputs ----------

const limit = z.coerce.number().int().min(1).max(200).default(50);
const cursor = z.string().max(200).optional();
/** A date (start of day, UTC) or an instant. */
const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v));
/** `?status=a,b` or `?status=a&status=b`. */
const statusList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(RequestStatusSchema).max(20));

export const TenantQuery = z.object({
  tenant: TenantId.optional().meta({
    description: 'Platform administrators: the tenant to read (others: their own)',
  }),
});

export const RequestListQuery = TenantQuery.extend({
  type: z.string().max(64).optional(),
  status: statusList.optional(),
  authority: z.string().max(64).optional(),
  commune: z.string().max(64).optional(),
  channel: z.string().max(32).optional(),
  assignedTo: z
    .string()
    .max(200)
    .optional()
    .meta({ description: 'An agent id (or the free text of an assignment made before teams)' }),
  team: z.uuid().optional().meta({ description: 'Only the requests in this team’s queue' }),
  from: instant.optional(),
  to: instant.optional(),
  q: z.string().trim().min(1).max(200).optional().meta({
    description:
      'Words of the description, address, notes or commune name (French stemming, accents ignored), or a reference',
  }),
  due: z
    .enum(['overdue', 'soon'])
    .optional()
    .meta({ description: 'Open requests past their due date, or due within 2 days' }),
  sort: z
    .enum(['recent', 'due'])
    .default('recent')
    .meta({ description: "'recent' (newest first, cursor pages) or 'due' (most urgent first, one page)" }),
  limit,
  cursor,
});
export type RequestListQuery = z.infer<typeof RequestListQuery>;

/** The list's filters an agent can save under a name (what the console's filter form sets). */
export const SavedFilterSet = z.strictObject({
  status: z.array(RequestStatusSchema).max(4).optional(),
  type: z.string().max(64).optional(),
  commune: z.string().max(64).optional(),
  channel: z.string().max(32).optional(),
  q: z.string().trim().max(200).optional(),
  due: z.enum(['overdue', 'soon']).optional(),
  sort: z.enum(['recent', 'due']).optional(),
});
export const SavedFilterBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  filter: SavedFilterSet,
  /** Shared with every agent of the tenant (supervisors and admins only). */
  shared: z.boolean().default(false),
});
export const SavedFilterViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  filter: SavedFilterSet,
  shared: z.boolean(),
  /** Saved by the caller (who may delete it). */
  mine: z.boolean(),
  createdAt: Timestamp,
});
export type SavedFilterView = z.infer<typeof SavedFilterViewSchema>;

const BulkIds = z.array(z.string().min(1).max(100)).min(1).max(200);
export const BulkActionBody = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('status'),
    ids: BulkIds,
    status: RequestStatusSchema,
    note: z.string().trim().min(1).max(2000).optional(),
    notify: z.boolean().default(true),
  }),
  z
    .strictObject({
      action: z.literal('assign'),
      ids: BulkIds,
      teamId: z.uuid().nullable().optional().meta({ description: 'The team’s queue; null takes them out' }),
      agentId: z.string().min(1).max(100).nullable().optional().meta({
        description: 'The agent (a member of the team); null unassigns',
      }),
    })
    .refine((b) => b.teamId !== undefined || b.agentId !== undefined, {
      message: 'Give teamId and/or agentId (null to unassign)',
    }),
]);

export const IdParams = z.object({ id: z.string().min(1).max(100) });

export const StatusChangeBody = z.strictObject({
  status: RequestStatusSchema,
  note: z.string().trim().min(1).max(2000).optional(),
  /** Tell the citizen on their channel (default true). The note is part of that message. */
  notify: z.boolean().default(true),
  /**
   * The note may be published (Open311 `status_notes`, anyone may read it). Default false: an agent's note is
   * never published unless written for the public.
   */
  public: z.boolean().default(false),
});

export const PublicDescriptionBody = z.strictObject({
  /** The text an agent approves for publication (Open311 `description`); null withdraws it. */
  text: z.string().trim().min(3).max(1000).nullable(),
});

export const AssignBody = z
  .strictObject({
    teamId: z.uuid().nullable().optional().meta({ description: 'The team’s queue; null takes it out' }),
    agentId: z.string().min(1).max(100).nullable().optional().meta({
      description: 'The agent (a member of the team when both are given); null unassigns',
    }),
  })
  .refine((b) => b.teamId !== undefined || b.agentId !== undefined, {
    message: 'Give teamId and/or agentId (null to unassign)',
  });

export const ConversationListQuery = TenantQuery.extend({
  state: ConversationStateSchema.optional(),
  channel: z.string().max(32).optional(),
  limit,
  cursor,
});
export type ConversationListQuery = z.infer<typeof ConversationListQuery>;

export const AgentMessageBody = z.strictObject({
  text: z.string().trim().min(1, 'text must not be empty').max(2000),
});

export const TakeoverBody = z
  .strictObject({
    /** Take the conversation from another agent (supervisors and admins only). */
    force: z.boolean().default(false),
  })
  .default({ force: false });

export const IndicatorsQuery = TenantQuery.extend({
  from: z
    .union([z.iso.datetime({ offset: true }), z.iso.date()])
    .optional()
    .meta({
      description: 'Instant, or a day (its start in the territory’s time zone). Default: 90 days ago',
    }),
  to: z
    .union([z.iso.datetime({ offset: true }), z.iso.date()])
    .optional()
    .meta({
      description: 'Excluded. Instant, or a day (its start in the territory’s time zone). Default: now',
    }),
  authority: z.string().max(64).optional(),
  /** 'territory': the whole territory's figures (breakdowns only for the intercommunalité and unscoped readers). */
  scope: z.enum(['own', 'territory']).default('own'),
  granularity: z.enum(['week', 'month']).optional(),
  /** Also the previous period of the same length (default true). */
  compare: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

export const CreateTokenBody = z.strictObject({
  role: RoleSchema,
  name: z.string().trim().min(1).max(100).optional(),
  /** Required for platform administrators (their tokens span every tenant); others issue for their own. */
  tenantId: TenantId.optional(),
  authorityId: z.string().min(1).max(64).optional(),
});

export const CreateWebhookBody = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }).max(2000),
  events: z.array(WebhookEventSchema).min(1).max(WEBHOOK_EVENTS.length),
  tenantId: TenantId.optional(),
  authorityId: z.string().min(1).max(64).optional(),
  /** Generated when absent (recommended). */
  secret: z.string().min(16).max(200).optional(),
});

export const DeliveryListQuery = TenantQuery.extend({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  subscriptionId: z.string().max(64).optional(),
  limit,
  cursor,
});
export type DeliveryListQuery = z.infer<typeof DeliveryListQuery>;

export const EventsQuery = TenantQuery;
