// Neutral replies → what a phone line says, and the TwiML that says it. Choices become a keypad +
// speech menu ("pour les horaires, tapez 1 ou dites horaires"), cards are read out, links are sent by
// SMS ("je vous l'envoie par SMS"), references are spelled so they can be written down.
import twilio from 'twilio';
import type { Choice, Reply } from '../../bot/messages';
import type { RenderLocale } from './plain';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;
type SayAttributes = Parameters<VoiceResponse['say']>[0];
type SayVoice = NonNullable<SayAttributes['voice']>;

export interface VoiceSettings {
  /** A French voice: 'Polly.Lea' (default) or a Google fr-FR voice. */
  voice: string;
  locale?: RenderLocale;
}

/** A choice as the phone menu offers it: `spoken` is what the caller may say instead of the digit. */
export interface VoiceChoice extends Choice {
  spoken?: string;
}

export interface GatherSpec {
  /** Relative or absolute URL Twilio posts the result to. */
  action: string;
  hints?: readonly string[];
  /** Seconds of silence before the gather gives up (then posts an empty result). */
  timeoutSeconds?: number;
  /** A number typed on the keypad (no speech): up to maxDigits keys, ended by '#'. */
  keypad?: { maxDigits: number };
}

/**
 * A voice message: recorded after a beep, ended by '#', silence or hanging up. Twilio posts the end of the
 * recording to `action` (what to say next), the stored recording to `statusCallback`, and its transcription,
 * when it makes one, to `transcribeCallback`.
 */
export interface RecordSpec {
  action: string;
  statusCallback: string;
  transcribeCallback: string;
  maxLengthSeconds: number;
}

/** One answer of the phone line, from top to bottom. */
export interface VoicePlan {
  /** Said first (barge-in is not possible). */
  say: string[];
  /** The question, said inside <Gather> so the caller can answer before it ends. */
  prompt?: string;
  gather?: GatherSpec;
  /** Transfer to a person; Twilio posts the outcome (DialCallStatus) to `action` when the leg ends. */
  dial?: { number: string; action: string; timeoutSeconds?: number };
  record?: RecordSpec;
  /** Wait then fetch this URL (slow turn: "un instant…"). */
  redirect?: { url: string; pauseSeconds: number };
  hangup?: boolean;
}

const LANGUAGE = { fr: 'fr-FR', en: 'en-GB' } as const;
/** Twilio hints: at most 500 phrases of at most 100 characters; we send far fewer. */
const MAX_HINTS = 100;

export function buildVoiceTwiml(plan: VoicePlan, settings: VoiceSettings): string {
  const response = new twilio.twiml.VoiceResponse();
  const locale = settings.locale ?? 'fr';
  const sayAttrs: SayAttributes = { language: LANGUAGE[locale], voice: settings.voice as SayVoice };
  const say = (target: { say: VoiceResponse['say'] }, text: string) => {
    const clean = speakable(text);
    if (clean) target.say(sayAttrs, clean);
  };
  for (const text of plan.say) say(response, text);
  if (plan.gather) {
    const keypad = plan.gather.keypad;
    const gather = response.gather({
      ...(keypad
        ? { input: ['dtmf'], numDigits: keypad.maxDigits, finishOnKey: '#' }
        : { input: ['speech', 'dtmf'], language: LANGUAGE[locale], speechTimeout: 'auto', numDigits: 1 }),
      timeout: plan.gather.timeoutSeconds ?? (keypad ? 10 : 6),
      actionOnEmptyResult: true,
      action: plan.gather.action,
      method: 'POST',
      ...(plan.gather.hints && plan.gather.hints.length > 0 ? { hints: hintList(plan.gather.hints) } : {}),
    });
    if (plan.prompt) say(gather, plan.prompt);
  } else if (plan.prompt) {
    say(response, plan.prompt);
  }
  if (plan.dial) {
    response.dial(
      {
        timeout: plan.dial.timeoutSeconds ?? 25,
        answerOnBridge: true,
        action: plan.dial.action,
        method: 'POST',
      },
      plan.dial.number,
    );
  }
  if (plan.record) {
    response.record({
      action: plan.record.action,
      method: 'POST',
      maxLength: plan.record.maxLengthSeconds,
      playBeep: true,
      finishOnKey: '#',
      timeout: 5,
      recordingStatusCallback: plan.record.statusCallback,
      recordingStatusCallbackMethod: 'POST',
      recordingStatusCallbackEvent: ['completed'],
      transcribe: true,
      transcribeCallback: plan.record.transcribeCallback,
    });
  }
  if (plan.redirect) {
    response.pause({ length: plan.redirect.pauseSeconds });
    response.redirect({ method: 'POST' }, plan.redirect.url);
  }
  if (plan.hangup) response.hangup();
  return response.toString();
}

/** Speech hints: unique, short phrases, comma-separated as Twilio expects. */
export function hintList(hints: readonly string[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of hints) {
    const h = raw.replace(/[,\n]/g, ' ').replace(/\s+/g, ' ').trim();
    const key = h.toLowerCase();
    if (!h || h.length > 100 || seen.has(key)) continue;
    seen.add(key);
    out.push(h);
    if (out.length >= MAX_HINTS) break;
  }
  return out.join(', ');
}

/** "Les horaires" → "les horaires"; an acronym ("SMS") is kept. */
const lowerFirst = (s: string): string =>
  /^\p{Lu}\p{Lu}/u.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1);

/**
 * What a caller may say for a choice: its `spoken` keyword, else its label without details in
 * parentheses or after a comma ("Signalisation (panneaux, feux)" → "signalisation", "Oui, enregistrer"
 * → "oui"), when that is short enough to say; undefined for long labels (keypad only).
 */
export function spokenFormOf(choice: VoiceChoice): string | undefined {
  if (choice.spoken) return choice.spoken;
  const short =
    choice.label
      .replace(/\s*\([^)]*\)/g, '')
      .split(',')[0]
      ?.trim() ?? '';
  return short && short.split(/\s+/).length <= 3 ? short : undefined;
}

/**
 * "Pour les horaires, tapez 1 ou dites horaires." — every choice reachable by the keypad, and by voice.
 * Long labels are not repeated twice: "Pour signaler un problème sur la voie publique, tapez 2."
 */
export function choicesSpeech(
  choices: readonly VoiceChoice[],
  locale: RenderLocale = 'fr',
  keypadOnly = false,
): string {
  const lines = choices.map((c, i) => {
    const digit = i + 1;
    const spoken = keypadOnly ? undefined : spokenFormOf(c);
    if (locale === 'en')
      return `For ${lowerFirst(c.label)}, press ${digit}${spoken ? ` or say ${lowerFirst(spoken)}` : ''}.`;
    return `Pour ${lowerFirst(c.label)}, tapez ${digit}${spoken ? ` ou dites ${lowerFirst(spoken)}` : ''}.`;
  });
  return lines.join(' ');
}

/** What a reply says on the phone; a link's URL is returned apart, to be sent by SMS. */
export function replyToSpeech(
  reply: Reply,
  locale: RenderLocale = 'fr',
): { text: string; link?: { text: string; url: string } } {
  switch (reply.type) {
    case 'text':
    case 'handover':
    case 'location_request':
      return { text: reply.text };
    case 'choices':
      return { text: `${reply.text} ${choicesSpeech(reply.choices, locale)}` };
    case 'card': {
      const fields = (reply.fields ?? []).map((f) => `${f.label} : ${f.value}.`);
      const link = reply.link ? { text: reply.link.label, url: reply.link.url } : undefined;
      return {
        text: [endSentence(reply.title), reply.text ? endSentence(reply.text) : '', ...fields]
          .filter(Boolean)
          .join(' '),
        link,
      };
    }
    case 'link':
      return { text: reply.text, link: { text: reply.text, url: reply.url } };
    case 'end':
      return { text: reply.text ?? '' };
  }
}

const endSentence = (s: string): string => (/[.!?:…]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

/**
 * Spells a reference so it can be noted, character by character: "DEM-2026-7K3M9P" → "D, E, M, 2026, 7, K, 3, M,
 * 9, P" (old ones: "DEM-2026-000123" → "D, E, M, 2026, 0, 0, 0, 1, 2, 3").
 */
export const spellReference = (ref: string): string =>
  ref.replace(
    /\b([A-Z]{2,5})-(\d{4})-([0-9A-Z]{4,})\b/g,
    (_m, prefix: string, year: string, n: string) =>
      `${[...prefix].join(', ')}, ${year}, ${[...n].join(', ')}`,
  );

/** Text made for a French text-to-speech voice: no URLs, no emoji, times and e-mails read naturally. */
export function speakable(text: string): string {
  return (
    spellReference(text)
      .replace(/https?:\/\/\S+/g, '')
      .replace(
        /\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b/g,
        (_m, user: string, domain: string) => `${user} arobase ${domain.replace(/\./g, ' point ')}`,
      )
      .replace(/\b(\d{1,2}) ?h ?(\d{2})\b/g, '$1 heures $2')
      .replace(/\b(\d{1,2}) h\b/g, '$1 heures')
      .replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu, '')
      // A line that announces a list ("Horaires des 7 prochains jours :") goes on with it, without a full stop.
      .replace(/\s*:\s*\n+\s*/g, ' : ')
      .replace(/\s*\n+\s*/g, '. ')
      .replace(/\.\s*\./g, '.')
      .replace(/\s{2,}/g, ' ')
      .trim()
  );
}
