// Fields of Twilio's voice webhooks (call start, <Gather> results) and of our own action URLs.
import { z } from 'zod';
import { MAX_TEXT_LENGTH } from '../../bot/messages';

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const VoiceWebhookSchema = z.looseObject({
  CallSid: z.string().regex(/^CA[0-9a-f]{32}$/i, 'must be a Twilio call SID'),
  AccountSid: z.string().regex(/^AC[0-9a-f]{32}$/i, 'must be a Twilio account SID'),
  /** The caller: an E.164 number, or "anonymous" / a client identity when hidden. */
  From: z.string().trim().max(128).default(''),
  To: z.string().trim().min(3).max(64),
  CallStatus: z.preprocess(blankToUndefined, z.string().max(32).optional()),
  SpeechResult: z.preprocess(blankToUndefined, z.string().max(MAX_TEXT_LENGTH).optional()),
  Confidence: z.preprocess(blankToUndefined, z.coerce.number().min(0).max(1).optional()),
  Digits: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[0-9*#]{1,32}$/, 'must be keypad digits')
      .optional(),
  ),
  /** Outcome of a <Dial> transfer: completed, answered, busy, no-answer, failed, canceled. */
  DialCallStatus: z.preprocess(blankToUndefined, z.string().max(32).optional()),
  /** End of a <Record> (its action): how long the caller spoke. */
  RecordingDuration: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(86_400).optional()),
});
export type VoiceWebhook = z.infer<typeof VoiceWebhookSchema>;

/**
 * start: the call begins; gather: an answer; wait: a slow turn is fetched again; dialed: a transfer ended;
 * recorded: a voice message ended (what to say next). recording and transcription are Twilio's status
 * callbacks about a voice message (the stored recording, its transcription): they answer no TwiML.
 */
export const VOICE_STEPS = [
  'start',
  'gather',
  'wait',
  'dialed',
  'recorded',
  'recording',
  'transcription',
] as const;

const RecordingSid = z.string().regex(/^RE[0-9a-f]{32}$/i, 'must be a Twilio recording SID');

/** Twilio's recordingStatusCallback: the recording is stored (or failed). It carries no caller nor number. */
export const RecordingStatusSchema = z.looseObject({
  CallSid: z.string().regex(/^CA[0-9a-f]{32}$/i, 'must be a Twilio call SID'),
  AccountSid: z.string().regex(/^AC[0-9a-f]{32}$/i, 'must be a Twilio account SID'),
  RecordingSid,
  RecordingStatus: z.string().max(32),
  RecordingDuration: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(86_400).optional()),
});
export type RecordingStatus = z.infer<typeof RecordingStatusSchema>;

/** Twilio's transcribeCallback: the text of a recording, or a failure (French is not always transcribed). */
export const TranscriptionSchema = z.looseObject({
  CallSid: z.string().regex(/^CA[0-9a-f]{32}$/i, 'must be a Twilio call SID'),
  AccountSid: z.string().regex(/^AC[0-9a-f]{32}$/i, 'must be a Twilio account SID'),
  RecordingSid,
  TranscriptionStatus: z.string().max(32),
  TranscriptionText: z.preprocess(
    blankToUndefined,
    z
      .string()
      .max(MAX_TEXT_LENGTH * 2)
      .optional(),
  ),
});
export type Transcription = z.infer<typeof TranscriptionSchema>;

export const VoiceQuerySchema = z.object({
  step: z.enum(VOICE_STEPS).default('start'),
  /** Sequence number of the question answered: a repeated callback with the same n is a retry. */
  n: z.coerce.number().int().min(0).max(10_000).default(0),
  /** The territory of a recording's status callbacks (which carry no called number); signed with the URL. */
  tenant: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional(),
});
export type VoiceQuery = z.infer<typeof VoiceQuerySchema>;
