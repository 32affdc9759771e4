// What a simulated citizen says by SMS — an opening-hours question and its follow-up, an incident report
// answering whatever the bot asks next, then the status of the reference it got — and the signed Twilio webhook
// that carries it: shared by the benchmark, its platform profile and the deployment test, so all drive the
// same dialogue.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { fixedRate, type HttpCall, type LatencyStats } from './load';
export const REPORT_OPENING = 'il y a un nid de poule devant le 12 rue des Lilas';
/**
 * The bot's answer once a report is registered, with its reference. Only this one: a reference also appears in
 * other answers (the choice "Oui, suivre DEM-…" when the same problem was reported nearby, in an answer that also
 * says "Je vais enregistrer votre signalement"), and a script that took that one for its own stopped every report
 * at the duplicate question once a few hundred reports were open nearby (BENCHMARKS.md, 2026-12-06 21:00).
 */
export const REGISTERED_REFERENCE = /enregistré sous la référence (DEM-\d{4}-[0-9A-Z]{6})/;
/** The status answer to the requester: the request's card (someone else's reference is refused). */
export const statusShown = (reply: string, reference: string): boolean =>
  reply.includes(`Demande ${reference}`) && /Statut :/.test(reply);

/** The form's last question before it registers the report (answered "oui" by the scripts). */
export const CONFIRMATION_QUESTION = /Je l.enregistre/;

export const REPORT_ANSWERS: [RegExp, string][] = [
  [/Est-ce correct|Je l.enregistre/i, 'oui'],
  [/d[ée]cri|description|pr[ée]cis/i, 'Un trou profond au milieu de la chaussée'],
  [/photo/i, 'non'],
  [/commune/i, 'Montcey-sur-Loue'],
  [/adresse|o[uù] se trouve|lieu/i, '12 rue des Lilas'],
  [/t[ée]l[ée]phone|contact|num[ée]ro|e-?mail|tenir inform/i, 'non'],
  [/d[ée]j[àa] [ée]t[ée] signal/i, 'non'],
];

/** The answer to the bot's last question in an incident report ('oui' to anything else). */
export function reportAnswer(lastReply: string): string {
  for (const [pattern, answer] of REPORT_ANSWERS) if (pattern.test(lastReply)) return answer;
  return 'oui';
}

/** A citizen running the scripts in turn: hours (two questions), a report, the status of its reference. */
export interface ScriptedCitizen {
  phone: string;
  scenario: 'hours' | 'report' | 'status';
  step: number;
  lastReply: string;
  references: string[];
  turns: number;
  /** Status questions answered with the request's card, and those that were not (a script gone wrong). */
  statusShown?: number;
  statusMissed?: number;
}

export function nextSms(c: ScriptedCitizen): string {
  if (c.scenario === 'hours')
    return c.step % 2 === 0 ? 'la déchetterie est ouverte samedi ?' : 'et la piscine demain ?';
  if (c.scenario === 'status') {
    const ref = c.references[c.references.length - 1];
    return ref ? `où en est ma demande ${ref}` : 'où en est ma demande';
  }
  if (c.step === 0) return REPORT_OPENING;
  return reportAnswer(c.lastReply);
}

/** What the citizen's next message is, for latencies by step: the confirmation is the turn that writes a request. */
export const SCRIPT_STEPS = ['hours', 'report', 'registering', 'status'] as const;
export type ScriptStep = (typeof SCRIPT_STEPS)[number];
export function stepOf(c: ScriptedCitizen): ScriptStep {
  if (c.scenario !== 'report') return c.scenario;
  return c.step > 0 && CONFIRMATION_QUESTION.test(c.lastReply) ? 'registering' : 'report';
}

/** Moves the citizen's script on after the bot's reply. */
export function advance(c: ScriptedCitizen, reply: string): void {
  c.lastReply = reply;
  c.turns += 1;
  const ref = REGISTERED_REFERENCE.exec(reply)?.[1];
  if (c.scenario === 'report' && ref) {
    c.references.push(ref);
    c.scenario = 'status';
    c.step = 0;
    return;
  }
  c.step += 1;
  if (c.scenario === 'report' && c.step > 12) c.step = 0; // a stuck script restarts rather than loops forever
  if (c.scenario === 'hours' && c.step >= 2) {
    c.scenario = 'report';
    c.step = 0;
  } else if (c.scenario === 'status') {
    const asked = c.references[c.references.length - 1];
    if (asked && statusShown(reply, asked)) c.statusShown = (c.statusShown ?? 0) + 1;
    else c.statusMissed = (c.statusMissed ?? 0) + 1;
    c.scenario = 'hours';
    c.step = 0;
  }
}

/**
 * The citizens of a fixed-rate phase: each scheduled turn goes to the next citizen who is not waiting for an
 * answer (a new one when all are: over capacity), and a good answer moves that citizen's script on. `next` and
 * `check` are what load.ts's fixedRate asks for; `citizens` grows with the new ones.
 */
export function citizenPool<C extends ScriptedCitizen>(
  size: number,
  newCitizen: (n: number) => C,
  call: (citizen: C) => HttpCall,
) {
  const citizens = Array.from({ length: size }, (_, n) => newCitizen(n));
  const idle = [...citizens];
  const busy = new Map<number, C>();
  const steps = new Map<number, ScriptStep>();
  const byStep = new Map<ScriptStep, number[]>();
  return {
    citizens,
    next(i: number): HttpCall {
      let c = idle.shift();
      if (!c) citizens.push((c = newCitizen(citizens.length)));
      busy.set(i, c);
      steps.set(i, stepOf(c));
      return call(c);
    },
    /** fixedRate's onLatency: the latencies by step of the script (see `byStep`). */
    latency(i: number, ms: number): void {
      const step = steps.get(i);
      steps.delete(i);
      if (!step) return;
      const list = byStep.get(step);
      if (list) list.push(ms);
      else byStep.set(step, [ms]);
    },
    byStep,
    check(i: number, res: { status: number; body: string }): boolean {
      const c = busy.get(i)!;
      busy.delete(i);
      idle.push(c);
      const ok = res.status === 200 && res.body.includes('<Response');
      if (ok) advance(c, decodeXml(res.body));
      return ok;
    },
  };
}

/**
 * Every citizen of a new pool sends its first message, at `rate`: the turns that open a conversation (contact,
 * conversation, privacy notice), measured apart. A fixed-rate phase that starts on a new pool otherwise opens
 * all its conversations in its first second, and those turns were its slowest answers: with 250 new citizens,
 * that second's turns took 71 ms on average, the next seconds' 7.5 ms (the turn-stage metrics, BENCHMARKS.md
 * 2026-12-07); over 2,000 territories, every turn of a 6 s phase was a citizen's first.
 */
export function firstContacts(
  send: (call: HttpCall) => Promise<{ status: number; body: string }>,
  rate: number,
  pool: ReturnType<typeof citizenPool>,
): Promise<LatencyStats> {
  // The idle citizens are served in order: the pool's first `citizens.length` calls are each one's first message.
  return fixedRate(send, rate, pool.citizens.length / rate, pool.next, pool.check);
}

/** The text of TwiML's escaped characters. */
export const decodeXml = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** Twilio's webhook for one SMS from `from` to the number `to`, signed with `authToken` for `baseUrl`. */
export function signedSms(
  authToken: string,
  baseUrl: string,
  to: string,
  from: string,
  body: string,
): HttpCall {
  const messageSid = `SM${randomBytes(16).toString('hex')}`;
  const params: Record<string, string> = {
    ToCountry: 'FR',
    SmsMessageSid: messageSid,
    NumMedia: '0',
    SmsSid: messageSid,
    SmsStatus: 'received',
    Body: body,
    FromCountry: 'FR',
    To: to,
    NumSegments: '1',
    MessageSid: messageSid,
    AccountSid: 'AC00000000000000000000000000000000',
    From: from,
    ApiVersion: '2010-04-01',
  };
  const signature = twilio.getExpectedTwilioSignature(authToken, `${baseUrl}/channels/twilio/sms`, params);
  return {
    path: '/channels/twilio/sms',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  };
}
