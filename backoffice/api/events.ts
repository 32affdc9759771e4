// /api/v1/events: the agents' live feed as Server-Sent Events (queue changes, citizen messages, agent
// messages), fed by the EventBus topic agents:{tenantId}, so a console on any instance sees everything.
// The console reads it with fetch (the token stays in the Authorization header, never in a URL).
import type { Response } from 'express';
import type { JsonValue, Unsubscribe } from '../../bot/ports';
import { tenantOf } from '../auth';
import { agentsTopic, AgentEventSchema } from '../events';
import { EventsQuery } from '../schemas';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

const HEARTBEAT_MS = 20_000;

/** Open streams, so a shutdown can end them (an open response keeps `server.close()` waiting). */
export class EventStreams {
  private readonly open = new Set<Response>();

  add(res: Response): void {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
  }

  get size(): number {
    return this.open.size;
  }

  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}

export function eventRoutes(deps: ApiDeps, streams: EventStreams): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/events',
      operationId: 'agentEvents',
      summary: 'Live events for agents (text/event-stream): queue changes and messages',
      description:
        'Events: "ready" once subscribed; "conversation" {change: handover|takeover|release, conversationId, owner…}; ' +
        '"message" {conversationId, direction: in|agent, text…}. Comment lines every 20 s keep proxies from closing it.',
      tag: 'conversations',
      minRole: 'agent',
      query: EventsQuery,
      response: { stream: 'text/event-stream' },
      async handle({ query, principal, req, res }) {
        const tenantId = tenantOf(principal, query.tenant);
        res.status(200).set({
          'Content-Type': 'text/event-stream; charset=utf-8',
          'Cache-Control': 'no-store',
          Connection: 'keep-alive',
          'X-Accel-Buffering': 'no',
        });
        res.flushHeaders();
        const write = (event: string, data: JsonValue) => {
          if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        };
        let unsubscribe: Unsubscribe | undefined;
        let closed = false;
        const heartbeat = setInterval(() => {
          if (!res.writableEnded) res.write(': ping\n\n');
        }, HEARTBEAT_MS);
        heartbeat.unref();
        req.on('close', () => {
          closed = true;
          clearInterval(heartbeat);
          void unsubscribe?.().catch(() => undefined);
        });
        streams.add(res);
        try {
          unsubscribe = await deps.bus.subscribe(agentsTopic(tenantId), (payload) => {
            const event = AgentEventSchema.safeParse(payload);
            if (event.success) write(event.data.type, event.data as unknown as JsonValue);
          });
        } catch (error) {
          deps.logger.warn('agent events: subscription failed', { error: String(error) });
          write('error', { message: 'Live events are unavailable, retry later' });
          res.end();
          return;
        }
        if (closed) {
          await unsubscribe();
          return;
        }
        write('ready', { tenantId });
      },
    }),
  ];
}
