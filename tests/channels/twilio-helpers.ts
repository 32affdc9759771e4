// Helpers for the Twilio channel suites: real webhook field sets, requests signed with the twilio
// library's own helper, TwiML parsed as XML (never compared as strings), a REST API mock.
import { randomBytes } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import nock from 'nock';
import request from 'supertest';
import twilio from 'twilio';
import type { Express } from 'express';

export const AUTH_TOKEN = '9f3c1a7e5b2d4f6a8c0e1b3d5f7a9c2e';
export const ACCOUNT_SID = `AC${'5'.repeat(32)}`;
export const PUBLIC_URL = 'https://guichet.val-de-loue.example';
/** The demo territory's numbers (knowledge/territories/val-de-loue). */
export const DEMO_NUMBER = '+33939980101';
export const DEMO_NUMBER_2 = '+33939980102';
export const AGENTS_NUMBER = '+33939980100';
export const TWILIO_ENV = { TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_ACCOUNT_SID: ACCOUNT_SID, PUBLIC_URL };

let counter = 0;
/** A fresh SID with a Twilio prefix: SM…, MM…, CA… (34 characters). */
export function sid(prefix: 'SM' | 'MM' | 'CA'): string {
  counter += 1;
  return `${prefix}${randomBytes(12).toString('hex')}${counter.toString(16).padStart(8, '0')}`;
}

let phones = 0;
/** A fresh French mobile number, so every test has its own conversation. */
export function mobile(): string {
  phones += 1;
  return `+3367${String(process.pid % 1000).padStart(3, '0')}${String(phones).padStart(4, '0')}`;
}

/** The fields of a real incoming-SMS webhook (as Twilio posts them), with our values. */
export function smsParams(
  fields: { From: string; Body: string; To?: string; MessageSid?: string } & Record<string, string>,
): Record<string, string> {
  const messageSid = fields.MessageSid ?? sid('SM');
  const whatsapp = fields.From.startsWith('whatsapp:');
  return {
    ToCountry: 'FR',
    ToState: '',
    SmsMessageSid: messageSid,
    NumMedia: '0',
    ToCity: '',
    FromZip: '',
    SmsSid: messageSid,
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    FromCountry: 'FR',
    ToZip: '',
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: messageSid,
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    ...(whatsapp
      ? { ProfileName: 'Camille', WaId: fields.From.replace(/^whatsapp:\+/, ''), MessageType: 'text' }
      : {}),
    ...fields,
    To: fields.To ?? (whatsapp ? `whatsapp:${DEMO_NUMBER}` : DEMO_NUMBER),
  };
}

/** The fields of a real voice webhook (call start, or a <Gather> result with extras). */
export function voiceParams(
  callSid: string,
  from: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: 'in-progress',
    Called: DEMO_NUMBER,
    CalledCountry: 'FR',
    Caller: from,
    CallerCountry: 'FR',
    Direction: 'inbound',
    From: from,
    FromCountry: 'FR',
    To: DEMO_NUMBER,
    ToCountry: 'FR',
    ...extra,
  };
}

export interface SignOptions {
  /** The URL to sign (default: PUBLIC_URL + path, what Twilio would call). */
  url?: string;
  token?: string;
  /** Replaces the signature header (tampering tests); null sends none. */
  signature?: string | null;
}

/** POSTs a form-encoded webhook signed as Twilio signs it. */
export function postSigned(
  app: Express,
  path: string,
  params: Record<string, string>,
  options: SignOptions = {},
): request.Test {
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(
          options.token ?? AUTH_TOKEN,
          options.url ?? `${PUBLIC_URL}${path}`,
          params,
        )
      : options.signature;
  const req = request(app).post(path).type('form').send(params);
  return signature === null ? req : req.set('X-Twilio-Signature', signature);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: 'text',
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) =>
    ['Message', 'Say', 'Gather', 'Dial', 'Redirect', 'Pause', 'Hangup', 'Record'].includes(name),
});

export interface TwimlResponse {
  Message?: (string | { text: string })[];
  Say?: SayNode[];
  Gather?: {
    Say?: SayNode[];
    input: string;
    language: string;
    speechTimeout: string;
    numDigits?: string;
    hints?: string;
    action: string;
    actionOnEmptyResult?: string;
    finishOnKey?: string;
  }[];
  Record?: {
    action: string;
    maxLength?: string;
    playBeep?: string;
    finishOnKey?: string;
    recordingStatusCallback?: string;
    transcribe?: string;
    transcribeCallback?: string;
  }[];
  Dial?: (string | { text: string; action?: string; timeout?: string })[];
  Redirect?: (string | { text: string })[];
  Hangup?: unknown[];
}
export type SayNode = string | { text: string; language?: string; voice?: string };

/** Parses a TwiML document; fails when it is not one. */
export function parseTwiml(xml: string): TwimlResponse {
  const doc = parser.parse(xml) as { Response?: TwimlResponse | '' };
  if (doc.Response === undefined) throw new Error(`Not TwiML:\n${xml}`);
  return doc.Response === '' ? {} : doc.Response;
}

const textOf = (n: string | { text: string }): string => (typeof n === 'string' ? n : n.text);

/** The SMS bodies of a MessagingResponse. */
export const messagesOf = (xml: string): string[] => (parseTwiml(xml).Message ?? []).map(textOf);

/** Everything the caller hears, in order: <Say> before, then inside the <Gather>. */
export function spokenOf(xml: string): string {
  const r = parseTwiml(xml);
  return [...(r.Say ?? []), ...(r.Gather ?? []).flatMap((g) => g.Say ?? [])].map(textOf).join(' ');
}

/** The action URL of the <Gather>, as a path with query for the next callback. */
export function gatherAction(xml: string): string {
  const action = parseTwiml(xml).Gather?.[0]?.action;
  if (!action) throw new Error(`No <Gather> in:\n${xml}`);
  return action.startsWith(PUBLIC_URL) ? action.slice(PUBLIC_URL.length) : action;
}

export const TWILIO_API = 'https://api.twilio.com';
export const messagesPath = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

/** A Messages.json answer as the REST API gives it. */
export function messageResource(body: Record<string, string>): Record<string, unknown> {
  return {
    account_sid: ACCOUNT_SID,
    api_version: '2010-04-01',
    body: body.Body,
    date_created: 'Mon, 30 Nov 2026 09:00:00 +0000',
    direction: 'outbound-api',
    from: body.From,
    num_segments: '1',
    sid: sid('SM'),
    status: 'queued',
    to: body.To,
    uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/x.json`,
  };
}

/** Expects `times` REST sends and records their form bodies. */
export function expectRestSends(times = 1): { scope: nock.Scope; bodies: Record<string, string>[] } {
  const bodies: Record<string, string>[] = [];
  const scope = nock(TWILIO_API)
    .post(messagesPath)
    .times(times)
    .reply(201, (_uri, body) => {
      const form = Object.fromEntries(new URLSearchParams(String(body))) as Record<string, string>;
      bodies.push(form);
      return messageResource(form);
    });
  return { scope, bodies };
}

/** Polls until `check` passes (for work done after the HTTP answer), failing after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Answers every national address API search with 12 rue des Lilas, Montcey-sur-Loue (demo territory). */
export function geocoderAnswersLilas(): nock.Scope {
  return nock('https://api-adresse.data.gouv.fr')
    .persist()
    .get('/search/')
    .query(true)
    .reply(200, {
      type: 'FeatureCollection',
      version: 'draft',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [6.05102, 47.10215] },
          properties: {
            label: '12 Rue des Lilas 25971 Montcey-sur-Loue',
            score: 0.91,
            housenumber: '12',
            name: '12 Rue des Lilas',
            postcode: '25971',
            citycode: '25971',
            city: 'Montcey-sur-Loue',
            type: 'housenumber',
            street: 'Rue des Lilas',
          },
        },
      ],
      attribution: 'BAN',
      licence: 'ETALAB-2.0',
      limit: 1,
    });
}
