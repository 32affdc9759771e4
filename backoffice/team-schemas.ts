// Teams (services) and routing rules as the API shows and accepts them (migration 0010).
import { z } from 'zod';

const Id = z.string().min(1).max(100);
/** A request type ('report_incident') or a type and category ('report_incident:eclairage'). */
const ScopeType = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}(:[a-z0-9_-]{1,64})?$/, 'a request type or type:category');

export const TeamViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  authorityId: z.string().nullable(),
  /** Empty: every commune. */
  communes: z.array(z.string()),
  /** Request types or 'type:category'; empty: every type. */
  requestTypes: z.array(z.string()),
  members: z.array(z.object({ agentId: z.string(), name: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TeamView = z.infer<typeof TeamViewSchema>;

export const RoutingRuleViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  requestType: z.string(),
  /** null: every category of the type. */
  category: z.string().nullable(),
  /** null: every commune. */
  communeId: z.string().nullable(),
  teamId: z.string(),
  /** The administrators' order (1 = first), used when two rules are as specific. */
  position: z.number().int(),
  createdAt: z.string(),
});
export type RoutingRuleView = z.infer<typeof RoutingRuleViewSchema>;

export const TeamBody = z.strictObject({
  tenantId: Id.optional().meta({ description: 'Platform administrators: the tenant' }),
  name: z.string().trim().min(1).max(120),
  authorityId: Id.nullable().optional(),
  communes: z.array(Id).max(200).optional(),
  requestTypes: z.array(ScopeType).max(200).optional(),
  memberIds: z.array(Id).max(500).optional(),
});

export const TeamPatchBody = TeamBody.omit({ tenantId: true }).partial();

export const RoutingRuleBody = z.strictObject({
  tenantId: Id.optional().meta({ description: 'Platform administrators: the tenant' }),
  requestType: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a request type'),
  category: z
    .string()
    .regex(/^[a-z0-9_-]{1,64}$/)
    .nullable()
    .optional(),
  communeId: Id.nullable().optional(),
  teamId: z.uuid(),
});

export const MoveRuleBody = z.strictObject({ by: z.union([z.literal(-1), z.literal(1)]) });
