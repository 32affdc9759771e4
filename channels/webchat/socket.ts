// Web chat pushes: a WebSocket per open widget, at /channels/webchat/ws?conversationId=…&token=…&tenant=….
// Each socket subscribes to its conversation's topic on the EventBus, so a reply published by any
// instance (agent message, status update, late reply) reaches the instance that holds the socket.
// The socket only carries pushes down; the citizen's messages go through POST /messages.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import type { Locale } from '../../bot/i18n';
import type { Logger } from '../../bot/logger';
import { ReplySchema } from '../../bot/messages';
import { conversationTopic, readConversationPush, type EventBus, type Unsubscribe } from '../../bot/ports';
import { CONVERSATION_ID_PATTERN, verifyConversationToken } from './conversation-token';
import type { OriginPolicy } from './cors';
import { presentReply } from './present';
import type { WebchatTenants } from './tenants';

export const WEBCHAT_SOCKET_PATH = '/channels/webchat/ws';

/** Close codes the widget acts on. */
export const CLOSE = {
  goingAway: 1001,
  policyViolation: 1008,
  internalError: 1011,
} as const;

export interface WebchatSocketOptions {
  bus: EventBus;
  tenants: WebchatTenants;
  origins: OriginPolicy;
  secret: string;
  logger: Logger;
  /** Client frames allowed per window before the socket is closed with 1008 (default 20 per 10 s). */
  maxMessages?: number;
  windowMs?: number;
  /** New sockets one IP may open per minute (default 60). */
  maxUpgradesPerMinute?: number;
  /** Sockets one conversation may hold on this instance (several tabs; default 10). */
  maxSocketsPerConversation?: number;
  /** Ping interval; a socket that missed one pong is dropped (default 30 s). */
  heartbeatMs?: number;
}

const QuerySchema = z.object({
  conversationId: z.string().regex(CONVERSATION_ID_PATTERN),
  token: z.string().min(1).max(100),
  tenant: z.string().min(1).max(64).optional(),
  /** The widget's language: pushed replies get its typography, like the answers and the history. */
  locale: z.enum(['fr', 'en']).optional(),
});

const ClientFrameSchema = z.object({ type: z.literal('ping') });

/** Server → widget frames. */
export type ServerFrame =
  | { type: 'ready' }
  | { type: 'pong' }
  | { type: 'replies'; id: string; replies: unknown[] }
  | { type: 'typing'; on: boolean };

/** Sliding-window counter: how many events in the last `windowMs`. */
class Window {
  private stamps: number[] = [];
  constructor(private readonly windowMs: number) {}
  hit(now: number): number {
    this.prune(now);
    this.stamps.push(now);
    return this.stamps.length;
  }
  prune(now: number): number {
    this.stamps = this.stamps.filter((t) => now - t < this.windowMs);
    return this.stamps.length;
  }
}

interface Client {
  alive: boolean;
  topic: string;
  unsubscribe?: Unsubscribe;
}

export class WebchatSockets {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  private readonly clients = new Map<WebSocket, Client>();
  private readonly perConversation = new Map<string, number>();
  private readonly upgradesByIp = new Map<string, Window>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly sweep: NodeJS.Timeout;
  private readonly servers = new Set<Server>();
  private closed = false;

  constructor(private readonly options: WebchatSocketOptions) {
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    this.sweep = setInterval(() => {
      for (const [ip, window] of this.upgradesByIp)
        if (window.prune(Date.now()) === 0) this.upgradesByIp.delete(ip);
    }, 60_000);
    this.sweep.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Every server `app.listen` creates handles the socket path (and closes its sockets when it closes). */
  attachToApp(app: Express): void {
    const listen = app.listen.bind(app) as (...args: unknown[]) => Server;
    (app as { listen: (...args: unknown[]) => Server }).listen = (...args: unknown[]) => {
      const server = listen(...args);
      this.attach(server);
      return server;
    };
  }

  attach(server: Server): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(server, req, socket, head),
    );
    // An open WebSocket keeps `server.close()` waiting forever: say goodbye to ours first.
    const close = server.close.bind(server);
    server.close = ((callback?: (err?: Error) => void) => {
      void this.closeClients(CLOSE.goingAway, 'Server shutting down');
      return close(callback);
    }) as Server['close'];
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearInterval(this.sweep);
    await this.closeClients(CLOSE.goingAway, 'Server shutting down');
    await Promise.allSettled([...this.clients.values()].map((c) => c.unsubscribe?.()));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** Closes every socket politely; one that does not answer the close handshake soon is cut. */
  private async closeClients(code: number, reason: string, graceMs = 1000): Promise<void> {
    const sockets = [...this.clients.keys()];
    if (sockets.length === 0) return;
    const closed = Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve) =>
            ws.readyState === WebSocket.CLOSED ? resolve() : ws.once('close', () => resolve()),
          ),
      ),
    );
    for (const ws of sockets) ws.close(code, reason);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    await Promise.race([closed, late]);
    clearTimeout(timer);
    for (const ws of sockets) if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
  }

  private onUpgrade(server: Server, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WEBCHAT_SOCKET_PATH) {
      // Another upgrade listener may own this path; with none, answer instead of leaving the socket open.
      if (server.listenerCount('upgrade') <= 1) reject(socket, 404, 'No such route');
      return;
    }
    if (this.closed) return reject(socket, 503, 'Shutting down');
    const ip = req.socket.remoteAddress ?? 'unknown';
    let window = this.upgradesByIp.get(ip);
    if (!window) this.upgradesByIp.set(ip, (window = new Window(60_000)));
    if (window.hit(Date.now()) > (this.options.maxUpgradesPerMinute ?? 60))
      return reject(socket, 429, 'Too many connections');

    const query = QuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) return reject(socket, 400, 'conversationId and token are required');
    const { conversationId, token, tenant: key, locale } = query.data;
    const tenant = this.options.tenants.resolve(key);
    if (!tenant) return reject(socket, 404, 'Unknown widget key');
    const origin = req.headers.origin;
    // Browsers always send Origin on a WebSocket; a foreign page must not listen to a conversation.
    if (origin && !this.options.origins.allowsFor(origin, req.headers.host, tenant))
      return reject(socket, 403, 'Origin not allowed');
    if (!verifyConversationToken(this.options.secret, tenant.id, conversationId, token)) {
      return reject(socket, 401, 'Unknown conversation (or wrong token)');
    }
    const topic = conversationTopic('webchat', tenant.id, conversationId);
    if ((this.perConversation.get(topic) ?? 0) >= (this.options.maxSocketsPerConversation ?? 10)) {
      return reject(socket, 429, 'Too many connections for this conversation');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, topic, locale ?? tenant.locale));
  }

  private onConnection(ws: WebSocket, topic: string, locale: Locale): void {
    const client: Client = { alive: true, topic };
    this.clients.set(ws, client);
    this.perConversation.set(topic, (this.perConversation.get(topic) ?? 0) + 1);
    const frames = new Window(this.options.windowMs ?? 10_000);
    const maxMessages = this.options.maxMessages ?? 20;

    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (frames.hit(Date.now()) > maxMessages) {
        ws.close(CLOSE.policyViolation, 'Too many messages');
        return;
      }
      const frame = isBinary ? undefined : ClientFrameSchema.safeParse(safeJson(String(data)));
      if (frame?.success) send(ws, { type: 'pong' });
    });
    ws.on('error', () => undefined); // a broken socket just closes
    ws.on('close', () => {
      this.clients.delete(ws);
      const left = (this.perConversation.get(topic) ?? 1) - 1;
      if (left > 0) this.perConversation.set(topic, left);
      else this.perConversation.delete(topic);
      client.unsubscribe?.().catch(() => undefined);
    });

    this.options.bus
      .subscribe(topic, (payload) => {
        const push = readConversationPush(payload);
        if (!push) return;
        send(
          ws,
          push.kind === 'replies'
            ? { type: 'replies', id: push.id, replies: push.replies.map((r) => presentPushed(r, locale)) }
            : { type: 'typing', on: push.on },
        );
      })
      .then((unsubscribe) => {
        if (ws.readyState !== WebSocket.OPEN) {
          void unsubscribe().catch(() => undefined);
          return;
        }
        client.unsubscribe = unsubscribe;
        // From now on nothing is missed: the widget reads its history to fill what came before.
        send(ws, { type: 'ready' });
      })
      .catch((error: unknown) => {
        this.options.logger.warn('webchat socket could not subscribe', { error: String(error) });
        ws.close(CLOSE.internalError, 'Pushes unavailable, retry later');
      });
  }

  private beat(): void {
    for (const [ws, client] of this.clients) {
      if (!client.alive) {
        ws.terminate();
        continue;
      }
      client.alive = false;
      ws.ping();
    }
  }
}

function presentPushed(reply: unknown, locale: Locale): unknown {
  const parsed = ReplySchema.safeParse(reply);
  return parsed.success ? presentReply(parsed.data, locale) : reply;
}

function send(ws: WebSocket, frame: ServerFrame): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const REASONS: Record<number, [string, string]> = {
  400: ['Bad Request', 'BAD_REQUEST'],
  401: ['Unauthorized', 'UNAUTHORIZED'],
  403: ['Forbidden', 'FORBIDDEN'],
  404: ['Not Found', 'NOT_FOUND'],
  429: ['Too Many Requests', 'RATE_LIMITED'],
  503: ['Service Unavailable', 'DEPENDENCY_UNAVAILABLE'],
};

/** Refuses an upgrade with a plain HTTP answer (the same JSON error shape as the API). */
function reject(socket: Duplex, status: number, message: string): void {
  const [reason, code] = REASONS[status] ?? ['Error', 'INTERNAL'];
  const body = JSON.stringify({ error: { code, message } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
