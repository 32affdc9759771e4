// POST /channels/twilio/voice — the French phone line (IVR). Twilio posts the call start, then every
// <Gather> result to `?step=gather&n=N`, a slow turn to `?step=wait`, a finished transfer to
// `?step=dialed`, the end of a voice message to `?step=recorded`; the stored recording and its transcription
// come to `?step=recording` / `?step=transcription` (with `&tenant=`: they carry no called number). N numbers the callbacks of a call: a callback Twilio retries gets the same TwiML
// again and nothing is redone (the session keeps the last answer; engine turns are keyed CallSid:N).
import { Router, type Request, type RequestHandler } from 'express';
import type { Engine } from '../../bot/engine';
import { GuichetError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import type { ConversationStateStore, SharedStore } from '../../bot/ports';
import { DEFAULT_REPLY_DEADLINE_MS } from '../../bot/turn-answer';
import type { Territory, TerritoryProvider } from '../../knowledge/territory';
import { buildVoiceTwiml, choicesSpeech, type VoicePlan } from '../render/voice';
import {
  badRequest,
  bareAddress,
  logUnknownNumber,
  sendTwiml,
  territoryForNumber,
  twilioForm,
  twilioSignatureGuard,
  senderRefusal,
  type ReplySender,
  type SenderLimit,
  type TwilioAuthConfig,
} from '../twilio-common';
import { CallFlow, VOICE_MESSAGE_MAX_S, type Draft } from './flow';
import { VoiceLanding } from './landing';
import {
  RecordingStatusSchema,
  TranscriptionSchema,
  VoiceQuerySchema,
  VoiceWebhookSchema,
  type VoiceWebhook,
} from './schema';
import { VoiceSessions, type VoiceSession } from './session';

export interface TwilioVoiceDeps {
  engine: Engine;
  store: SharedStore;
  /** Conversation-state store: holds the call sessions (the dialogue's own state is the engine's). */
  state: ConversationStateStore;
  territories: TerritoryProvider;
  auth: TwilioAuthConfig;
  logger: Logger;
  /** REST sender for SMS follow-ups (links, request summaries); without it none are offered. */
  sender?: ReplySender;
  replyDeadlineMs?: number;
  /** The per-caller rate limit, counted here once the signature is verified (server/security). */
  senderLimit?: SenderLimit;
  /** TWILIO_VOICE: 'Polly.Lea' by default. */
  voice?: string;
  clock?: () => Date;
}

const DEFAULT_VOICE = 'Polly.Lea';
const UNKNOWN_NUMBER_TEXT =
  'Ce numéro n’est relié à aucun service. Merci de contacter directement votre mairie. Au revoir.';
/** Generic words callers use, recognised better when given as hints. */
const GENERIC_HINTS = [
  'horaires',
  'déchetterie',
  'mairie',
  'médiathèque',
  'piscine',
  'signalement',
  'nid de poule',
  'éclairage',
  'lampadaire',
  'dépôt sauvage',
  'suivi',
  'agent',
  'oui',
  'non',
  'annuler',
];

/** Where the router below answers the webhook: Twilio calls `<PUBLIC_URL>/channels/twilio/voice?step=…`. */
export const VOICE_WEBHOOK_PATH = '/voice';

/** The router of the webhook: its handlers at VOICE_WEBHOOK_PATH (built here unless the app shares them). */
export function createTwilioVoiceRouter(
  deps: TwilioVoiceDeps,
  webhook: readonly RequestHandler[] = createTwilioVoiceWebhook(deps),
): Router {
  const router = Router();
  router.post(VOICE_WEBHOOK_PATH, ...webhook);
  return router;
}

/**
 * The webhook's handlers — form, signature, call step — for the router above and for the app's direct lookup of
 * the path (server/exact-routes.ts), which share them.
 */
export function createTwilioVoiceWebhook(deps: TwilioVoiceDeps): RequestHandler[] {
  const sessions = new VoiceSessions(deps.state);
  const guard = twilioSignatureGuard(deps.auth, deps.logger, 'voice');
  const voice = deps.voice ?? DEFAULT_VOICE;

  const handleCallStep: RequestHandler = async (req, res) => {
    const query = VoiceQuerySchema.safeParse(req.query);
    if (!query.success) throw badRequest(query.error);
    if (query.data.step === 'recording' || query.data.step === 'transcription') {
      await recordingCallback(deps, query.data.step, query.data.tenant, req.body);
      res.status(204).end();
      return;
    }
    const parsed = VoiceWebhookSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw badRequest(parsed.error);
    const hook = parsed.data;
    const { step, n } = query.data;
    // Calls are counted once per call, at its start (every callback of a call carries the same From).
    if (step === 'start') {
      const refusal = await senderRefusal(deps.senderLimit, 'voice', hook.From);
      if (refusal) {
        sendTwiml(res, refusal);
        return;
      }
    }

    const territory = territoryForNumber(deps.territories, hook.To);
    if (!territory) {
      logUnknownNumber(deps.logger, 'voice', hook.To);
      sendTwiml(res, buildVoiceTwiml({ say: [UNKNOWN_NUMBER_TEXT], hangup: true }, { voice }));
      return;
    }

    const loaded = await sessions.load(territory.id, hook.CallSid);
    if (loaded && loaded.session.lastStep === n && loaded.session.lastTwiml) {
      sendTwiml(res, loaded.session.lastTwiml);
      return;
    }
    const fresh = !loaded || step === 'start';
    const session = fresh ? newSession(territory, hook) : loaded.session;
    const flow = new CallFlow(
      {
        engine: deps.engine,
        store: deps.store,
        logger: deps.logger,
        sender: deps.sender,
        replyDeadlineMs: deps.replyDeadlineMs ?? DEFAULT_REPLY_DEADLINE_MS,
      },
      territory,
      hook,
      session,
      deps.clock?.() ?? new Date(),
      n,
    );
    const draft = fresh
      ? flow.start()
      : step === 'wait'
        ? await flow.wait()
        : step === 'dialed'
          ? flow.dialed()
          : step === 'recorded'
            ? flow.recorded()
            : await flow.gather();

    const twiml = buildVoiceTwiml(toPlan(draft, session, territory, actionUrl(req, deps.auth.publicUrl)), {
      voice,
    });
    session.lastStep = n;
    session.lastTwiml = twiml;
    await sessions.save(session, fresh ? (loaded?.version ?? 0) : loaded.version);
    sendTwiml(res, twiml);
  };

  return [twilioForm, guard, handleCallStep];
}

function newSession(territory: Territory, hook: VoiceWebhook): VoiceSession {
  return {
    tenantId: territory.id,
    callSid: hook.CallSid,
    caller: bareAddress(hook.From),
    called: bareAddress(hook.To),
    lastStep: -1,
    lastTwiml: '',
    counter: 0,
    question: { prompt: '', choices: [], kind: 'engine', critical: false },
    failures: 0,
    pending: null,
    inflight: null,
    noticeSaid: false,
    satisfactionAsked: false,
  };
}

/**
 * Twilio's callbacks about a voice message: the stored recording lands with the call's conversation, then
 * its transcription. A recording that failed, or a transcription Twilio could not make, is only logged.
 */
async function recordingCallback(
  deps: TwilioVoiceDeps,
  step: 'recording' | 'transcription',
  tenant: string | undefined,
  body: unknown,
): Promise<void> {
  const territory = tenant ? deps.territories.current().get(tenant) : undefined;
  if (!territory)
    throw new GuichetError(
      'BAD_REQUEST',
      `Invalid Twilio webhook: unknown territory in the ${step} callback`,
    );
  const now = deps.clock?.() ?? new Date();
  if (step === 'recording') {
    const parsed = RecordingStatusSchema.safeParse(body ?? {});
    if (!parsed.success) throw badRequest(parsed.error);
    const hook = parsed.data;
    if (hook.RecordingStatus !== 'completed') {
      deps.logger.warn('voice: a voice message was not recorded', {
        tenant: territory.id,
        status: hook.RecordingStatus,
      });
      return;
    }
    // The caller's number, from the call's session (the status callback does not carry it).
    const call = await new VoiceSessions(deps.state).load(territory.id, hook.CallSid).catch(() => null);
    await new VoiceLanding(deps.store, deps.engine, territory, hook.CallSid, now).voiceMessage(
      hook.RecordingSid,
      hook.RecordingDuration ?? 0,
      call?.session.caller,
    );
    return;
  }
  const parsed = TranscriptionSchema.safeParse(body ?? {});
  if (!parsed.success) throw badRequest(parsed.error);
  const hook = parsed.data;
  if (hook.TranscriptionStatus !== 'completed' || !hook.TranscriptionText) {
    deps.logger.info('voice: no transcription for a voice message', {
      tenant: territory.id,
      status: hook.TranscriptionStatus,
    });
    return;
  }
  await new VoiceLanding(deps.store, deps.engine, territory, hook.CallSid, now).transcription(
    hook.RecordingSid,
    hook.TranscriptionText,
  );
}

/** Action URLs: absolute when PUBLIC_URL is set (it may carry a path prefix), else host-relative. */
function actionUrl(req: Request, publicUrl: string | undefined) {
  const base = `${(publicUrl ?? '').replace(/\/$/, '')}${req.baseUrl}${req.path}`;
  const url = (step: 'gather' | 'wait' | 'dialed' | 'recorded', n: number) => `${base}?step=${step}&n=${n}`;
  /** Twilio's status callbacks of a voice message: they carry no called number, so the territory is in the URL. */
  url.status = (step: 'recording' | 'transcription', tenantId: string) =>
    `${base}?step=${step}&tenant=${encodeURIComponent(tenantId)}`;
  return url;
}

function toPlan(
  draft: Draft,
  session: VoiceSession,
  territory: Territory,
  url: ReturnType<typeof actionUrl>,
): VoicePlan {
  const next = () => (session.counter += 1);
  const plan: VoicePlan = { say: draft.say.filter((s) => s.trim().length > 0) };
  if (draft.question) {
    session.question = draft.question;
    const q = draft.question;
    plan.prompt =
      draft.promptOverride ?? (q.choices.length > 0 ? `${q.prompt} ${choicesSpeech(q.choices)}` : q.prompt);
    plan.gather = {
      action: url('gather', next()),
      ...(q.kind === 'keypad' ? { keypad: { maxDigits: 15 } } : {}),
      hints: hintsFor(
        territory,
        q.choices.flatMap((c) => [c.label, c.spoken ?? '']),
      ),
    };
  }
  if (draft.dial) plan.dial = { number: draft.dial.number, action: url('dialed', next()) };
  if (draft.record)
    plan.record = {
      action: url('recorded', next()),
      statusCallback: url.status('recording', territory.id),
      transcribeCallback: url.status('transcription', territory.id),
      maxLengthSeconds: VOICE_MESSAGE_MAX_S,
    };
  if (draft.wait) plan.redirect = { url: url('wait', next()), pauseSeconds: 2 };
  if (draft.hangup) plan.hangup = true;
  return plan;
}

/** Speech hints: the menu's words, generic ones, then the territory's facilities and communes (deduplicated when built). */
function hintsFor(territory: Territory, extra: string[]): string[] {
  const facilities = territory.facilities.flatMap((f) => [f.name, f.shortName?.fr ?? '', ...f.aliases]);
  const communes = territory.communes.flatMap((c) => [c.name, ...c.aliases]);
  return [...extra, ...GENERIC_HINTS, ...facilities, ...communes];
}
