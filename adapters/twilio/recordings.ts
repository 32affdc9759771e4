// Voice messages callers left on the phone line, read back from Twilio for the agents: the recording is
// fetched with the account's credentials (HTTP basic auth on the REST API) and handed over as a stream, so
// the console never sees a Twilio URL or a credential. A recording Twilio no longer has is 'gone'; Twilio
// slow (timeout), down (5xx) or refusing (other 4xx) is 'unavailable' — each said plainly to the agent.
import { Readable } from 'node:stream';

export interface RecordingAudio {
  contentType: string;
  /** Bytes, when Twilio says. */
  length?: number;
  body: Readable;
}

export class RecordingFetchError extends Error {
  constructor(
    readonly kind: 'gone' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'RecordingFetchError';
  }
}

export interface TwilioRecordings {
  /** The recording as MP3 (smaller than WAV, played by every browser). */
  open(recordingSid: string): Promise<RecordingAudio>;
}

export interface TwilioRecordingsOptions {
  accountSid: string;
  authToken: string;
  /** TWILIO_API_BASE_URL (a relay, or a local fake in smoke tests); https://api.twilio.com by default. */
  apiBaseUrl?: string;
  /** Until Twilio starts answering (default 10 s). */
  timeoutMs?: number;
}

const RECORDING_SID = /^RE[0-9a-f]{32}$/i;

export function createTwilioRecordings(options: TwilioRecordingsOptions): TwilioRecordings {
  const base = (options.apiBaseUrl ?? 'https://api.twilio.com').replace(/\/$/, '');
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  return {
    async open(recordingSid) {
      if (!RECORDING_SID.test(recordingSid)) throw new RecordingFetchError('gone', 'Not a recording SID');
      const url = `${base}/2010-04-01/Accounts/${options.accountSid}/Recordings/${recordingSid}.mp3`;
      let res: Response;
      try {
        res = await fetch(url, {
          headers: { Authorization: authorization },
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        throw new RecordingFetchError('unavailable', `Twilio did not answer: ${String(error)}`);
      }
      if (res.status === 404) throw new RecordingFetchError('gone', 'Twilio no longer has this recording');
      if (!res.ok || !res.body)
        throw new RecordingFetchError('unavailable', `Twilio answered ${res.status} for the recording`);
      const length = Number(res.headers.get('content-length'));
      return {
        contentType: res.headers.get('content-type')?.split(';')[0] || 'audio/mpeg',
        ...(Number.isFinite(length) && length > 0 ? { length } : {}),
        body: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>),
      };
    },
  };
}
