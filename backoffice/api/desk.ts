// /api/v1/desk: the counter's and the switchboard's intake. The services offered and their fields come from
// the bot's own form definitions; checking and filing run the same slots and validators as a conversation.
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { actorOf, tenantOf } from '../auth';
import { TenantQuery } from '../schemas';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

const FieldSchema = z.object({
  name: z.string(),
  label: z.string(),
  prompt: z.string(),
  hint: z.string(),
  optional: z.boolean(),
  choices: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
});

const DeskServiceSchema = z.object({ id: z.string(), label: z.string(), fields: z.array(FieldSchema) });

const DeskBody = z.strictObject({
  service: z.string().min(1).max(64),
  channel: z.enum(['desk', 'phone']).meta({ description: 'At the counter, or on the switchboard' }),
  fields: z.record(z.string().max(64), z.string().max(2000)),
  locale: z.enum(['fr', 'en']).optional(),
});

const SummarySchema = z.array(z.object({ label: z.string(), value: z.string() }));

const DeskCheckSchema = z.union([
  z.object({ ok: z.literal(true), summary: SummarySchema }),
  z.object({
    ok: z.literal(false),
    errors: z
      .record(z.string(), z.string())
      .meta({ description: 'A message per field, the bot’s own words' }),
    fields: z
      .array(FieldSchema)
      .meta({ description: 'The fields as they now stand (a duplicate question…)' }),
  }),
]);

const DeskFiledSchema = z.object({
  reference: z.string(),
  confirmation: z.array(z.string()),
  sms: z.enum(['queued', 'opted_out', 'none']),
  email: z.enum(['queued', 'none']),
});

export function deskRoutes(deps: ApiDeps): AnyRoute[] {
  const desk = deps.desk;
  if (!desk) return [];
  return [
    route({
      method: 'get',
      path: '/desk/services',
      operationId: 'listDeskServices',
      summary: 'The services an agent can file at the counter or the switchboard, with their fields',
      tag: 'desk',
      minRole: 'agent',
      query: TenantQuery,
      response: z.object({ items: z.array(DeskServiceSchema) }),
      handle({ query, principal }) {
        return Promise.resolve({ items: desk.services(tenantOf(principal, query.tenant)) });
      },
    }),
    route({
      method: 'post',
      path: '/desk/check',
      operationId: 'checkDeskRequest',
      summary: 'Validate the fields as the bot would; the summary to read back, or a message per field',
      description:
        'Nothing is written. A report of the same problem within 50 m makes a "duplicate" field appear with ' +
        'its choices (follow the existing report, or a different problem).',
      tag: 'desk',
      minRole: 'agent',
      query: TenantQuery,
      body: DeskBody,
      response: DeskCheckSchema,
      handle({ query, body, principal }) {
        return desk.check(tenantOf(principal, query.tenant), body);
      },
    }),
    route({
      method: 'post',
      path: '/desk/requests',
      operationId: 'fileDeskRequest',
      summary: 'File the request for the citizen at the counter or on the phone',
      description:
        'Recorded with channel "desk" or "phone" and the agent on its "received" event. With a phone number in ' +
        'the contact field the citizen gets the confirmation by SMS and their later texts find the request. ' +
        'Invalid fields: 400 with `error.details.errors` (a message per field) and nothing written.',
      tag: 'desk',
      minRole: 'agent',
      query: TenantQuery,
      body: DeskBody,
      status: 201,
      response: DeskFiledSchema,
      async handle({ query, body, principal }) {
        const filed = await desk.file(tenantOf(principal, query.tenant), body, actorOf(principal));
        if ('ok' in filed) {
          const first = Object.entries(filed.errors)[0];
          throw new GuichetError(
            'BAD_REQUEST',
            first ? `fields.${first[0]}: ${first[1]}` : 'Invalid fields',
            { errors: filed.errors, fields: filed.fields },
          );
        }
        return filed;
      },
    }),
  ];
}
