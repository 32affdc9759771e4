// /api/v1 interventions (work orders): supervisors plan field work on a request for a team; the team (in the
// console, or an external intervention-management tool with a machine token) reports it started, done or
// impossible. The request's status follows (backoffice/interventions.ts), and the citizen and the followers are
// told on their own channel and language, in the same transaction, with the webhook events.
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import type { Phrase } from '../../bot/i18n';
import type { OutboxItem } from '../../bot/ports';
import { actorOf, scopeOf, type Principal } from '../auth';
import {
  doneNotice,
  INTERVENTION_PRIORITIES,
  INTERVENTION_STATUSES,
  plannedNotice,
  requestStatusAfter,
  type NoticeSubject,
} from '../interventions';
import type {
  InterventionContext,
  InterventionEffects,
  InterventionWork,
  StoredIntervention,
} from '../ports';
import { IdParams, RequestStatusSchema, TenantQuery, Uuid, type RequestView } from '../schemas';
import type { ApiDeps } from './deps';
import { photoPath } from './intervention-photos';
import { statusEffects } from './requests';
import { route, type AnyRoute } from './route';

const Timestamp = z.string().meta({ format: 'date-time', description: 'ISO 8601 instant' });
const Day = z.iso.date().meta({ description: 'A calendar day, YYYY-MM-DD' });
const StatusSchema = z.enum(INTERVENTION_STATUSES);
const PrioritySchema = z.enum(INTERVENTION_PRIORITIES);
const ClientId = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .meta({ description: 'Idempotency key: the same call again gets the same answer, nothing written twice' });

export const InterventionViewSchema = z.object({
  id: z.string(),
  requestId: z.string(),
  teamId: z.string().nullable(),
  what: z.string(),
  plannedFor: Day.nullable(),
  priority: PrioritySchema,
  notes: z.string().nullable(),
  status: StatusSchema,
  reason: z.string().nullable(),
  doneComment: z.string().nullable(),
  donePhoto: z.string().nullable(),
  clientId: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const InterventionAnswerSchema = InterventionViewSchema.extend({
  /** The request's status after the change. */
  requestStatus: RequestStatusSchema,
});

const InterventionWorkViewSchema = InterventionViewSchema.extend({
  /** What the field needs of the request: never who reported it. */
  request: z.object({
    reference: z.string(),
    type: z.string(),
    status: RequestStatusSchema,
    category: z.string().nullable(),
    description: z.string().nullable(),
    photoUrl: z.string().nullable(),
    communeId: z.string().nullable(),
    addressText: z.string().nullable(),
    location: z.object({ lat: z.number(), lon: z.number(), label: z.string().nullable() }).nullable(),
  }),
});

const CreateBody = z.strictObject({
  teamId: Uuid.nullable().optional().meta({ description: 'A team of the tenant; absent or null: none yet' }),
  what: z.string().trim().min(1).max(500),
  plannedFor: Day.nullable().optional(),
  priority: PrioritySchema.default('normal'),
  notes: z.string().trim().max(2000).optional(),
  clientId: ClientId.optional(),
});

const StatusBody = z
  .strictObject({
    status: StatusSchema.exclude(['planned']),
    reason: z.string().trim().min(1).max(2000).optional(),
    comment: z.string().trim().min(1).max(2000).optional(),
    photoUrl: z
      .url({ protocol: /^https?$/, hostname: z.regexes.domain })
      .max(2000)
      .optional()
      .meta({ description: 'The photo taken when done (http or https address)' }),
    photoId: Uuid.optional().meta({
      description: 'A photo uploaded with PUT /interventions/{id}/photos/{clientId} (instead of photoUrl)',
    }),
    clientId: ClientId.optional(),
  })
  .refine((b) => b.photoId === undefined || b.photoUrl === undefined, {
    message: 'give photoId or photoUrl, not both',
    path: ['photoId'],
  })
  .refine((b) => b.status !== 'cannot_do' || b.reason !== undefined, {
    message: 'a reason is required when the intervention cannot be done',
    path: ['reason'],
  })
  .refine(
    (b) =>
      b.status === 'done' || (b.comment === undefined && b.photoUrl === undefined && b.photoId === undefined),
    {
      message: 'a comment or a photo goes with a done intervention',
      path: ['comment'],
    },
  );

const ListQuery = TenantQuery.extend({
  team: Uuid.optional().meta({ description: 'Only this team’s interventions' }),
  status: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      const parsed = z.array(StatusSchema).safeParse(value.split(','));
      if (!parsed.success) {
        ctx.addIssue({
          code: 'custom',
          message: 'status: planned, in_progress, done or cannot_do (comma-separated)',
        });
        return z.NEVER;
      }
      return parsed.data;
    })
    .meta({ description: 'planned, in_progress, done, cannot_do (comma-separated); default: all' }),
  plannedFor: Day.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

const view = (i: StoredIntervention): z.infer<typeof InterventionViewSchema> => ({
  id: i.id,
  requestId: i.requestId,
  teamId: i.teamId,
  what: i.what,
  plannedFor: i.plannedFor,
  priority: i.priority,
  notes: i.notes,
  status: i.status,
  reason: i.reason,
  doneComment: i.doneComment,
  donePhoto: i.donePhoto,
  clientId: i.clientId,
  createdAt: i.createdAt,
  updatedAt: i.updatedAt,
});

const workView = (i: InterventionWork): z.infer<typeof InterventionWorkViewSchema> => ({
  ...view(i),
  request: i.request,
});

/** How the notice names the request: its category's label (or its type's), in both languages. */
function subjectOf(deps: ApiDeps, request: RequestView): NoticeSubject {
  const type = deps.requestTypes.find((t) => t.type === request.type);
  const category = typeof request.payload.category === 'string' ? request.payload.category : null;
  const what: Phrase | null = (category ? type?.categories?.[category] : undefined) ?? type?.label ?? null;
  return { request, what, report: category !== null };
}

/** The webhook event of an intervention's creation or status change. */
function interventionEvent(ctx: InterventionContext): OutboxItem {
  const created = ctx.before === null;
  const kind = created ? 'intervention.created' : 'intervention.status_changed';
  return {
    kind,
    payload: {
      tenantId: ctx.request.tenantId,
      authorityId: ctx.request.authorityId,
      requestId: ctx.request.id,
      reference: ctx.request.reference,
      interventionId: ctx.after.id,
      teamId: ctx.after.teamId,
      what: ctx.after.what,
      from: ctx.before?.status ?? null,
      to: ctx.after.status,
      plannedFor: ctx.after.plannedFor,
      priority: ctx.after.priority,
      ...(ctx.after.status === 'cannot_do' ? { reason: ctx.after.reason } : {}),
      ...(ctx.after.status === 'done' && ctx.after.doneComment ? { comment: ctx.after.doneComment } : {}),
      ...(ctx.after.status === 'done' && ctx.after.donePhoto ? { photoUrl: ctx.after.donePhoto } : {}),
    },
    // One event per intervention and state: a state is reached once.
    dedupeKey: `${kind}:${ctx.after.id}:${ctx.after.status}`,
  };
}

/**
 * The request's status after the change and what is told: planned → the citizen and followers learn the day;
 * done → that it is done ("resolved" only when every intervention is); started or impossible → nobody is told
 * (an agent decides what to say about work that could not be done).
 */
function effectsOf(deps: ApiDeps): InterventionEffects {
  return async (ctx) => {
    const status = requestStatusAfter(ctx.request.status, ctx.interventions);
    const subject = subjectOf(deps, ctx.request);
    const notice =
      ctx.before === null
        ? (_r: RequestView, follower: boolean) => plannedNotice(subject, ctx.after.plannedFor, follower)
        : ctx.after.status === 'done'
          ? (_r: RequestView, follower: boolean) => doneNotice(subject, status, follower)
          : undefined;
    const effects = await statusEffects(deps, ctx, status, undefined, notice !== undefined, {
      notice,
      onlyIfChanged: true,
    });
    return { status, ...effects, outbox: [...effects.outbox, interventionEvent(ctx)] };
  };
}

export function interventionRoutes(deps: ApiDeps): AnyRoute[] {
  const notFound = (what: string, id: string) => new GuichetError('NOT_FOUND', `No ${what} ${id}`);
  const requestOf = async (principal: Principal, tenant: string | undefined, id: string) => {
    const request = await deps.store.getRequestByReference(scopeOf(principal, tenant), id);
    if (!request) throw notFound('request', id);
    return request;
  };
  return [
    route({
      method: 'post',
      path: '/requests/{id}/interventions',
      operationId: 'createIntervention',
      summary: 'Plan an intervention (work order) on a request for a team (supervisors)',
      description:
        'The request goes from received to in progress; the citizen and the followers are told the planned day on ' +
        'their own channel, in their language; an "intervention" event shows in the timeline; outbox ' +
        '"intervention.created" (and "request.status_changed" when the status moved) for webhooks; all in one ' +
        'transaction. A closed request answers 409. clientId: the same call again answers the same intervention.',
      tag: 'interventions',
      minRole: 'supervisor',
      params: IdParams,
      query: TenantQuery,
      body: CreateBody,
      status: 201,
      response: InterventionAnswerSchema,
      async handle({ params, query, body, principal }) {
        const request = await requestOf(principal, query.tenant, params.id);
        const result = await deps.interventions.createIntervention(
          scopeOf(principal, query.tenant),
          request.id,
          {
            teamId: body.teamId ?? null,
            what: body.what,
            plannedFor: body.plannedFor ?? null,
            priority: body.priority,
            notes: body.notes || null,
            clientId: body.clientId ?? null,
            actor: actorOf(principal),
          },
          effectsOf(deps),
        );
        if (!result) throw notFound('request', params.id);
        return { ...view(result.intervention), requestStatus: result.requestStatus };
      },
    }),
    route({
      method: 'get',
      path: '/requests/{id}/interventions',
      operationId: 'listRequestInterventions',
      summary: 'A request’s interventions, oldest first',
      tag: 'interventions',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      response: z.object({ items: z.array(InterventionViewSchema) }),
      async handle({ params, query, principal }) {
        const request = await requestOf(principal, query.tenant, params.id);
        const items = await deps.interventions.listRequestInterventions(
          scopeOf(principal, query.tenant),
          request.id,
        );
        if (!items) throw notFound('request', params.id);
        return { items: items.map(view) };
      },
    }),
    route({
      method: 'get',
      path: '/interventions',
      operationId: 'listInterventions',
      summary: 'Interventions to do, by planned day then priority, with where and what (never who reported)',
      description:
        'An agent of teams sees their teams’ interventions only; supervisors see the whole tenant. Each comes with ' +
        'its request’s reference, address, location, category and description, never the citizen’s contact.',
      tag: 'interventions',
      minRole: 'agent',
      query: ListQuery,
      response: z.object({ items: z.array(InterventionWorkViewSchema) }),
      async handle({ query, principal }) {
        const items = await deps.interventions.listInterventions(scopeOf(principal, query.tenant), {
          teamId: query.team,
          status: query.status,
          plannedFor: query.plannedFor,
          limit: query.limit,
        });
        return { items: items.map(workView) };
      },
    }),
    route({
      method: 'post',
      path: '/interventions/{id}/status',
      operationId: 'changeInterventionStatus',
      summary: 'Report an intervention started, done (comment, photo) or impossible (reason)',
      description:
        'planned → in_progress → done | cannot_do, or planned → done | cannot_do; any other move answers 409. ' +
        'An agent of teams may update their teams’ interventions; supervisors and tenant tokens (an external ' +
        'intervention-management tool) any of the tenant. When every intervention of the request is done, the ' +
        'request is resolved and the citizen told; one that cannot be done leaves the request open for an agent. ' +
        'clientId: the same call again answers what the first got, writing nothing.',
      tag: 'interventions',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      body: StatusBody,
      response: InterventionAnswerSchema,
      async handle({ params, query, body, principal }) {
        const scope = scopeOf(principal, query.tenant);
        // An uploaded photo is named by its id: it must be one of this intervention's.
        if (body.photoId && !(await deps.interventionPhotos.getPhoto(scope, params.id, body.photoId)))
          throw new GuichetError('BAD_REQUEST', `photoId: no photo ${body.photoId} for this intervention`);
        const result = await deps.interventions.changeInterventionStatus(
          scope,
          params.id,
          {
            status: body.status,
            reason: body.reason,
            comment: body.comment,
            photoUrl: body.photoId ? photoPath(params.id, body.photoId) : body.photoUrl,
            clientId: body.clientId,
            actor: actorOf(principal),
          },
          effectsOf(deps),
        );
        if (!result) throw notFound('intervention', params.id);
        return { ...view(result.intervention), requestStatus: result.requestStatus };
      },
    }),
  ];
}
