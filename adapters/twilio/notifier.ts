// Outbound SMS and WhatsApp through the Twilio REST API (Messages resource). Transient failures —
// 429, 5xx, network errors — are retried with exponential backoff; any other 4xx (bad number,
// unsubscribed recipient, 21610 "STOP"ped) is permanent and reported at once.
import twilio from 'twilio';
import type { Logger } from '../../bot/logger';
import { silentLogger } from '../../bot/logger';
import { withRetry, type RetryOptions } from './retry';

export interface SentMessage {
  sid: string;
  status?: string;
}

export interface TwilioNotifier {
  sendSms(to: string, from: string, body: string): Promise<SentMessage>;
  /** Numbers in E.164; the `whatsapp:` prefix is added when missing. */
  sendWhatsApp(to: string, from: string, body: string): Promise<SentMessage>;
  /** A Content API template (a tappable menu) with its variables, on WhatsApp. */
  sendWhatsAppContent(
    to: string,
    from: string,
    contentSid: string,
    variables: Record<string, string>,
  ): Promise<SentMessage>;
}

/** A send that failed for good (after the retries, or at once for a permanent error). */
export class TwilioSendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly code?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TwilioSendError';
  }
}

export interface TwilioNotifierOptions extends RetryOptions {
  accountSid: string;
  authToken: string;
  logger?: Logger;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Tests and proxies may point the client elsewhere; defaults to the Twilio client's own. */
  client?: ReturnType<typeof twilio>;
  /**
   * Sends the REST calls to this origin instead of https://api.twilio.com (TWILIO_API_BASE_URL: a relay in a
   * closed network, or a local fake in the production smoke tests); the path (/2010-04-01/…) is kept.
   */
  apiBaseUrl?: string;
}

/** The Twilio HTTP client, with every request's origin (and leading path) replaced by `base`. */
function rebasedHttpClient(
  base: string,
  options: ConstructorParameters<typeof twilio.RequestClient>[0],
): InstanceType<typeof twilio.RequestClient> {
  const target = new URL(base);
  const prefix = target.pathname.replace(/\/$/, '');
  const client = new twilio.RequestClient(options);
  const request = client.request.bind(client);
  client.request = (opts) => {
    const uri = new URL(opts.uri);
    return request({ ...opts, uri: `${target.origin}${prefix}${uri.pathname}${uri.search}` });
  };
  return client;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);

interface ErrorShape {
  status?: unknown;
  code?: unknown;
  message?: unknown;
  isAxiosError?: unknown;
  response?: unknown;
}

/** HTTP status of a Twilio REST error, if it is one. */
function statusOf(error: unknown): number | undefined {
  const s = (error as ErrorShape | null)?.status;
  return typeof s === 'number' ? s : undefined;
}

export function isRetryableTwilioError(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status === 429 || status >= 500;
  const e = error as ErrorShape | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  // An HTTP client error without any response is a network failure.
  return e.isAxiosError === true && !e.response;
}

const withPrefix = (n: string): string => (n.startsWith('whatsapp:') ? n : `whatsapp:${n}`);

export function createTwilioNotifier(options: TwilioNotifierOptions): TwilioNotifier {
  const logger = options.logger ?? silentLogger;
  // The client's own retry (429 only) is off: ours covers 429, 5xx and the network, once. Keep-alive is
  // off too: sends are occasional (late replies, follow-ups), and a pooled socket the server has
  // since closed would only cost a retry.
  const http = { autoRetry: false, keepAlive: false, timeout: options.timeoutMs ?? 10_000 };
  const client =
    options.client ??
    twilio(options.accountSid, options.authToken, {
      ...http,
      ...(options.apiBaseUrl ? { httpClient: rebasedHttpClient(options.apiBaseUrl, http) } : {}),
    });

  type Content = { body: string } | { contentSid: string; contentVariables: string };

  async function send(
    kind: 'sms' | 'whatsapp',
    to: string,
    from: string,
    content: Content,
  ): Promise<SentMessage> {
    try {
      const message = await withRetry(
        () => client.messages.create({ to, from, ...content }),
        isRetryableTwilioError,
        {
          ...options,
          onRetry: (info) => {
            logger.warn('twilio send failed, retrying', {
              kind,
              attempt: info.attempt,
              delayMs: info.delayMs,
              status: statusOf(info.error),
              error: String(info.error),
            });
            options.onRetry?.(info);
          },
        },
      );
      return { sid: message.sid, status: message.status };
    } catch (error) {
      const status = statusOf(error);
      const code = (error as ErrorShape | null)?.code;
      const retryable = isRetryableTwilioError(error);
      logger.error('twilio send failed', { kind, status, code, retryable, error: String(error) });
      throw new TwilioSendError(
        `Twilio ${kind} send failed${status ? ` (HTTP ${status})` : ''}: ${error instanceof Error ? error.message : String(error)}`,
        retryable,
        status,
        typeof code === 'number' ? code : undefined,
        {
          cause: error,
        },
      );
    }
  }

  return {
    sendSms: (to, from, body) => send('sms', to, from, { body }),
    sendWhatsApp: (to, from, body) => send('whatsapp', withPrefix(to), withPrefix(from), { body }),
    sendWhatsAppContent: (to, from, contentSid, variables) =>
      send('whatsapp', withPrefix(to), withPrefix(from), {
        contentSid,
        contentVariables: JSON.stringify(variables),
      }),
  };
}
