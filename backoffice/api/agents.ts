// /api/v1/agents (administrators): the people who use the console — invite (a one-time link to set a
// password, shown once), list, disable / enable (disabling ends their sessions), change role, re-invite.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { actorOf, hashToken, scopeOf, tenantOf, type Principal } from '../auth';
import type { AgentDirectory } from '../auth/ports';
import { IdParams, RoleSchema, TenantQuery } from '../schemas';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

/** How long an invitation link works. */
export const INVITATION_HOURS = 72;

const AgentViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  role: RoleSchema,
  authorityId: z.string().nullable(),
  signIn: z.enum(['oidc', 'password', 'invited']),
  disabledAt: z.string().nullable(),
  lastSignInAt: z.string().nullable(),
  createdAt: z.string(),
});

const InvitationSchema = z.object({
  /** Open it once to set a password; the secret is after '#', so it never reaches a server log or a Referer. */
  invitationUrl: z.string(),
  expiresAt: z.string(),
});

const CreateAgentBody = z.strictObject({
  tenantId: z.string().min(1).max(100).optional(),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  role: RoleSchema,
  authorityId: z.string().min(1).max(100).optional(),
});

const RoleBody = z.strictObject({ role: RoleSchema });

export function agentRoutes(
  deps: ApiDeps & { agentDirectory?: AgentDirectory; publicUrl?: string },
): AnyRoute[] {
  const directory = deps.agentDirectory;
  if (!directory) return [];
  const base = deps.publicUrl ?? '';

  function invitation(principal: Principal) {
    const token = randomBytes(32).toString('base64url');
    const now = deps.clock();
    const expiresAt = new Date(now.getTime() + INVITATION_HOURS * 3_600_000);
    return {
      record: { hash: hashToken(token), createdBy: actorOf(principal), now, expiresAt },
      view: { invitationUrl: `${base}/console/invitation.html#${token}`, expiresAt: expiresAt.toISOString() },
    };
  }

  /** An administrator never grants more than it has: a tenant admin cannot make a platform-wide one. */
  const found = <T>(value: T | null, id: string): T => {
    if (value === null) throw new GuichetError('NOT_FOUND', `No agent ${id}`);
    return value;
  };

  const audit = (
    principal: Principal,
    tenantId: string | null,
    action: string,
    id: string,
    details?: Record<string, unknown>,
  ) =>
    deps.store.audit({
      tenantId,
      actor: actorOf(principal),
      action,
      targetType: 'agent',
      targetId: id,
      details,
    });

  return [
    route({
      method: 'get',
      path: '/agents',
      operationId: 'listAgents',
      summary: 'The agents of a tenant: role, how they sign in, disabled or not (administrators)',
      tag: 'agents',
      minRole: 'admin',
      query: TenantQuery,
      response: z.object({ items: z.array(AgentViewSchema) }),
      async handle({ query, principal }) {
        return { items: await directory.listAgents(scopeOf(principal, query.tenant)) };
      },
    }),
    route({
      method: 'post',
      path: '/agents',
      operationId: 'inviteAgent',
      summary: 'Invite an agent: returns a one-time link (valid 72 h) where they set their password',
      tag: 'agents',
      minRole: 'admin',
      body: CreateAgentBody,
      status: 201,
      response: z.object({ agent: AgentViewSchema }).extend(InvitationSchema.shape),
      async handle({ body, principal }) {
        const tenantId = tenantOf(principal, body.tenantId);
        if (!(await deps.store.tenantExists(tenantId)))
          throw new GuichetError('NOT_FOUND', `Unknown tenant ${tenantId}`);
        if (principal.authorityId && body.authorityId && body.authorityId !== principal.authorityId)
          throw new GuichetError(
            'FORBIDDEN',
            'An authority-scoped administrator invites for its own authority only',
          );
        const authorityId = principal.authorityId ?? body.authorityId ?? null;
        const territory = deps.territories.current().get(tenantId);
        if (authorityId && territory && !territory.authorities.some((a) => a.id === authorityId))
          throw new GuichetError(
            'BAD_REQUEST',
            `body.authorityId: no authority ${authorityId} in ${tenantId}`,
          );
        const link = invitation(principal);
        const agent = await directory
          .createInvitedAgent({
            tenantId,
            name: body.name,
            email: body.email,
            role: body.role,
            authorityId,
            invitationHash: link.record.hash,
            createdBy: link.record.createdBy,
            now: link.record.now,
            expiresAt: link.record.expiresAt,
          })
          .catch((error: unknown) => {
            if (error instanceof GuichetError && error.code === 'CONFLICT')
              throw new GuichetError(
                'CONFLICT',
                `body.email: an agent of ${tenantId} already has this address`,
              );
            throw error;
          });
        await audit(principal, tenantId, 'agent.invite', agent.id, { role: body.role });
        return { agent, ...link.view };
      },
    }),
    ...(['disable', 'enable'] as const).map((action) =>
      route({
        method: 'post',
        path: `/agents/{id}/${action}`,
        operationId: `${action}Agent`,
        summary:
          action === 'disable'
            ? 'Disable an agent: their sessions end at once and they cannot sign in'
            : 'Enable a disabled agent again',
        tag: 'agents',
        minRole: 'admin',
        params: IdParams,
        query: TenantQuery,
        response: AgentViewSchema,
        async handle({ params, query, principal }) {
          if (action === 'disable' && params.id === principal.agentId)
            throw new GuichetError('CONFLICT', 'You cannot disable yourself');
          const scope = scopeOf(principal, query.tenant);
          const agent = found(
            await directory.setDisabled(scope, params.id, action === 'disable', deps.clock()),
            params.id,
          );
          await audit(principal, agent.tenantId, `agent.${action}`, agent.id);
          return agent;
        },
      }),
    ),
    route({
      method: 'post',
      path: '/agents/{id}/role',
      operationId: 'setAgentRole',
      summary: 'Change an agent’s role (agent, supervisor, admin)',
      tag: 'agents',
      minRole: 'admin',
      params: IdParams,
      query: TenantQuery,
      body: RoleBody,
      response: AgentViewSchema,
      async handle({ params, query, body, principal }) {
        const agent = found(
          await directory.setRole(scopeOf(principal, query.tenant), params.id, body.role, deps.clock()),
          params.id,
        );
        await audit(principal, agent.tenantId, 'agent.role', agent.id, { role: body.role });
        return agent;
      },
    }),
    route({
      method: 'post',
      path: '/agents/{id}/invitation',
      operationId: 'reinviteAgent',
      summary:
        'A new one-time link for an agent who signs in with a password (forgotten password); earlier links stop working',
      tag: 'agents',
      minRole: 'admin',
      params: IdParams,
      query: TenantQuery,
      status: 201,
      response: InvitationSchema,
      async handle({ params, query, principal }) {
        const link = invitation(principal);
        const agent = found(
          await directory.reinvite(scopeOf(principal, query.tenant), params.id, link.record),
          params.id,
        );
        await audit(principal, agent.tenantId, 'agent.reinvite', agent.id);
        return link.view;
      },
    }),
  ];
}
