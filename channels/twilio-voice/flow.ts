// The phone conversation around the engine: one method per callback, each returning what to say next.
// The engine does the dialogue (one call = one conversation, address = CallSid); this layer adds what
// only a phone needs — keypad menus, silence and misunderstanding handling (repeat differently, then
// the keypad, then a person), reading back an unsure address, SMS offers, and the transfer. When no agent can
// take the call (out of their hours, or a transfer nobody answered) the caller chooses a callback (number
// confirmed on the keypad), a voice message (<Record>) or an SMS with the counter's hours and contacts; what
// they chose lands where the agents work (landing.ts).
import { phoneForPeople, receivesSms, toE164 } from '../../bot/phone-numbers';
import { referencesInText } from '../../bot/references';
import type { Engine, TurnResult } from '../../bot/engine';
import type { Logger } from '../../bot/logger';
import type { Reply } from '../../bot/messages';
import type { SharedStore } from '../../bot/ports';
import { answerTurn } from '../../bot/turn-answer';
import type { Territory } from '../../knowledge/territory';
import {
  AWAY_CALLBACK,
  AWAY_MESSAGE,
  AWAY_SMS,
  agentsAvailable,
  awayMenu,
  callBackText,
  informationSms,
  TRANSFER_TEXT,
  whenAgentsAnswer,
  type AwayReason,
} from '../render/phone-agents';
import { smsPages } from '../render/sms';
import { choicesSpeech, replyToSpeech, type VoiceChoice } from '../render/voice';
import { canReceiveSms, type ReplySender } from '../twilio-common';
import { VoiceLanding } from './landing';
import type { VoiceWebhook } from './schema';
import type { Pending, Question, VoiceSession } from './session';
import { isCriticalQuestion, isUnintelligible, matchSpokenChoice, needsReadBack, yesNo } from './understand';

/** What a callback answers, before it becomes TwiML: `question` is asked inside a <Gather>. */
export interface Draft {
  say: string[];
  question?: Question;
  /** Said instead of the question's own prompt this time (a rephrasing), the question stays the same. */
  promptOverride?: string;
  dial?: { number: string };
  /** A slow turn: pause, then fetch the 'wait' step. */
  wait?: boolean;
  /** Record a voice message (after what is said). */
  record?: boolean;
  hangup?: boolean;
}

export interface FlowDeps {
  engine: Engine;
  store: SharedStore;
  logger: Logger;
  sender?: ReplySender;
  replyDeadlineMs: number;
}

const AGENT = 'voice:agent';
const END = 'voice:end';
const MENU = 'voice:menu';
const MAX_WAITS = 3;

const MAIN_MENU: VoiceChoice[] = [
  { label: 'les horaires d’ouverture', value: 'intent:opening_hours', spoken: 'horaires' },
  {
    label: 'signaler un problème sur la voie publique',
    value: 'intent:report_incident',
    spoken: 'signalement',
  },
  { label: 'suivre une demande', value: 'intent:request_status', spoken: 'suivi' },
  { label: 'parler à un agent', value: AGENT, spoken: 'agent' },
];

const mainQuestion = (prompt: string): Question => ({
  prompt: `${prompt} Posez votre question, ou choisissez :`,
  choices: MAIN_MENU,
  kind: 'engine',
  critical: false,
});

const ANYTHING_ELSE: Question = {
  prompt: 'Puis-je vous aider pour autre chose ?',
  choices: [
    { label: 'revenir au menu principal', value: MENU, spoken: 'menu' },
    { label: 'terminer l’appel', value: END, spoken: 'terminer' },
  ],
  kind: 'anything_else',
  critical: false,
};

const offerQuestion = (prompt: string): Question => ({
  prompt: `${prompt} Tapez 1 pour oui, 2 pour non.`,
  choices: [],
  kind: 'offer',
  critical: false,
});

const GOODBYE = 'Merci de votre appel. Au revoir.';

/** Asked once, when the caller ends a call where the assistant answered them: one keypad digit. */
const SATISFACTION: Question = {
  prompt:
    'Avant de raccrocher, pour nous aider, notez cet échange de 1 à 5 sur votre clavier : 1, pas du tout satisfait, 5, tout à fait satisfait.',
  choices: [],
  kind: 'satisfaction',
  critical: false,
};
const SPOKEN_SCORES: Record<string, number> = { un: 1, deux: 2, trois: 3, quatre: 4, cinq: 5 };
/** Longest voice message, in seconds. */
export const VOICE_MESSAGE_MAX_S = 120;
/** Attempts at a menu when nobody can take the call, before the call ends with when to call back. */
const AWAY_ATTEMPTS = 3;

export class CallFlow {
  constructor(
    private readonly deps: FlowDeps,
    private readonly territory: Territory,
    private readonly hook: VoiceWebhook,
    private readonly session: VoiceSession,
    private readonly now: Date,
    /** The sequence number of this callback (the provider message id of an engine turn). */
    private readonly step: number,
  ) {}

  /** The call begins: greeting, the personal-data notice, the main menu. */
  start(): Draft {
    this.session.noticeSaid = true;
    return {
      say: [
        `Bonjour, vous êtes en ligne avec l’assistant téléphonique de ${this.territory.name}.`,
        this.territory.notice.shortText,
      ],
      question: mainQuestion('Que puis-je faire pour vous ?'),
    };
  }

  /** A <Gather> result: keypad digits, recognised speech, or nothing (silence). */
  async gather(): Promise<Draft> {
    const digits = this.hook.Digits?.charAt(0);
    const speech = this.hook.SpeechResult?.trim();
    const pending = this.session.pending;
    if (pending?.kind === 'confirm') return this.answerConfirmation(pending, digits, speech);
    if (pending?.kind === 'sms') return this.answerSmsOffer(pending, digits, speech);
    if (pending?.kind === 'away') return this.answerAway(pending.reason, digits, speech);
    if (pending?.kind === 'callback_number' || pending?.kind === 'confirm_number') {
      const answer = yesNo(digits, speech);
      if (answer === 'yes') return this.landCallback(pending.phone);
      if (answer === 'no') return this.askNumber(pending.reason);
      return this.awayRetry(digits || speech ? 'Je n’ai pas bien compris.' : 'Je ne vous ai pas entendu.');
    }
    if (pending?.kind === 'typed_number') return this.answerTypedNumber(pending.reason);

    const question = this.session.question;
    if (question.kind === 'satisfaction') return this.rated(digits, speech);
    if (!digits && !speech) return this.failure('silence');
    if (digits) {
      if (digits === '0') return this.toHuman();
      if (digits === '*') return { say: [], question };
      const choice = question.choices[Number(digits) - 1];
      return choice ? this.choose(choice) : this.failure('bad_digit');
    }
    const said = speech ?? '';
    if (isUnintelligible(said, this.hook.Confidence)) return this.failure('unclear');
    const choice = matchSpokenChoice(said, question.choices);
    if (choice) return this.choose(choice, said);
    if (question.kind === 'anything_else') {
      const yn = yesNo(undefined, said);
      if (yn === 'no') return this.closing();
      if (yn === 'yes' && said.split(/\s+/).length <= 2)
        return { say: [], question: mainQuestion('Je vous écoute.') };
    }
    if (question.critical && needsReadBack(this.hook.Confidence)) {
      this.session.pending = { kind: 'confirm', text: said, then: question };
      return { say: [], question: offerQuestion(`J’ai compris : ${said}. Est-ce exact ?`) };
    }
    return this.engineTurn({ text: said, speechConfidence: this.hook.Confidence });
  }

  /** The slow turn, fetched again by its provider message id (the engine replays it once done). */
  async wait(): Promise<Draft> {
    const inflight = this.session.inflight;
    if (!inflight) return { say: [], question: this.session.question };
    return this.run(inflight);
  }

  /** A transfer ended: after a real conversation we hang up; otherwise, the caller's choices. */
  dialed(): Draft {
    const status = this.hook.DialCallStatus;
    if (status === 'completed' || status === 'answered') return { say: [], hangup: true };
    return this.away('unanswered');
  }

  /** A voice message ended (# pressed, silence, or the time limit): thanks, or nothing was recorded. */
  recorded(): Draft {
    const pending = this.session.pending;
    if (pending?.kind !== 'recording') return { say: [], question: this.session.question };
    if ((this.hook.RecordingDuration ?? 0) < 1)
      return this.away(pending.reason, ['Je n’ai rien enregistré.']);
    this.session.pending = null;
    return {
      say: [
        `Merci, votre message est enregistré. Un agent l’écoutera ${whenAgentsAnswer(this.territory, this.now)}.`,
        GOODBYE,
      ],
      hangup: true,
    };
  }

  /** A menu choice, by digit (recorded as its label) or by voice (recorded as said). */
  private choose(choice: VoiceChoice, said?: string): Promise<Draft> | Draft {
    if (choice.value === AGENT) return this.toHuman();
    if (choice.value === END) return this.closing();
    if (choice.value === MENU) return { say: [], question: mainQuestion('Je vous écoute.') };
    return this.engineTurn({
      text: said ?? choice.label,
      choiceValue: choice.value,
      speechConfidence: said ? this.hook.Confidence : undefined,
    });
  }

  /**
   * The caller ends a call in which the assistant answered them ("autre chose ?" → non / terminer): the
   * satisfaction question first, once per call, unless the territory turned it off (`satisfaction.voice`).
   */
  private closing(): Draft {
    if (this.session.satisfactionAsked || this.territory.satisfaction?.voice === false)
      return { say: [GOODBYE], hangup: true };
    this.session.satisfactionAsked = true;
    this.session.failures = 0;
    return { say: [], question: SATISFACTION };
  }

  /** The score typed (or said: "quatre"), stored against the call's conversation; anything else just ends. */
  private async rated(digits: string | undefined, speech: string | undefined): Promise<Draft> {
    const spoken = speech?.toLowerCase().match(/\b([1-5]|un|deux|trois|quatre|cinq)\b/)?.[1];
    const score = digits ? Number(digits) : spoken ? (SPOKEN_SCORES[spoken] ?? Number(spoken)) : NaN;
    if (!(score >= 1 && score <= 5)) return { say: [GOODBYE], hangup: true };
    try {
      await this.landing().satisfaction(score, this.now);
    } catch (error) {
      // The caller is leaving: a lost score is not worth keeping them on the line.
      this.deps.logger.warn('satisfaction score not stored', { error: String(error) });
    }
    return { say: ['Merci pour votre note.', GOODBYE], hangup: true };
  }

  /** Silence or not understood: say so and repeat differently, then offer the keypad, then a person. */
  private failure(kind: 'silence' | 'unclear' | 'bad_digit'): Draft {
    this.session.failures += 1;
    const question = this.session.question;
    const sorry = {
      silence: 'Je ne vous ai pas entendu.',
      unclear: 'Je n’ai pas bien compris.',
      bad_digit: 'Ce choix n’existe pas.',
    }[kind];
    if (question.kind === 'anything_else') {
      return this.session.failures >= 2 ? { say: [GOODBYE], hangup: true } : { say: [sorry], question };
    }
    if (this.session.failures === 1) {
      const rephrased =
        question.choices.length > 0
          ? `${question.prompt} Dites simplement votre choix, ou tapez son numéro.`
          : `${question.prompt} Répondez simplement, en quelques mots.`;
      return {
        say: [sorry],
        question,
        promptOverride:
          question.choices.length > 0 ? `${rephrased} ${choicesSpeech(question.choices)}` : rephrased,
      };
    }
    if (this.session.failures === 2) {
      const keypad = question.choices.length > 0 ? choicesSpeech(question.choices, 'fr', true) : '';
      return {
        say: [sorry, 'Vous pouvez aussi utiliser le clavier de votre téléphone.'],
        question,
        promptOverride: [
          question.prompt,
          keypad,
          'Pour parler à un agent, tapez 0. Pour réécouter, tapez étoile.',
        ]
          .filter(Boolean)
          .join(' '),
      };
    }
    return this.toHuman(['Je n’arrive pas à vous comprendre, je suis désolée.']);
  }

  private async answerConfirmation(
    pending: Extract<Pending, { kind: 'confirm' }>,
    digits?: string,
    speech?: string,
  ): Promise<Draft> {
    const answer = yesNo(digits, speech);
    if (answer === 'yes') {
      this.session.pending = null;
      // Confirmed by the caller: as sure as typed text.
      return this.engineTurn({ text: pending.text, speechConfidence: 1 });
    }
    this.session.failures += 1;
    if (this.session.failures >= 3) {
      this.session.pending = null;
      return this.toHuman(['Je n’arrive pas à vous comprendre, je suis désolée.']);
    }
    if (answer === 'no') {
      this.session.pending = null;
      return {
        say: ['D’accord, reprenons.'],
        question: pending.then,
        promptOverride: `${pending.then.prompt} Parlez lentement, s’il vous plaît.`,
      };
    }
    return {
      say: [digits || speech ? 'Je n’ai pas bien compris.' : 'Je ne vous ai pas entendu.'],
      question: this.session.question,
    };
  }

  private async answerSmsOffer(
    pending: Extract<Pending, { kind: 'sms' }>,
    digits?: string,
    speech?: string,
  ): Promise<Draft> {
    const answer = yesNo(digits, speech);
    if (answer === undefined && this.session.failures === 0) {
      this.session.failures += 1;
      return {
        say: [digits || speech ? 'Je n’ai pas bien compris.' : 'Je ne vous ai pas entendu.'],
        question: this.session.question,
      };
    }
    this.session.pending = null;
    this.session.failures = 0;
    const say: string[] = [];
    if (answer === 'yes')
      say.push(
        (await this.sendSms(pending.body)) ? 'C’est envoyé.' : 'Désolée, le SMS n’a pas pu être envoyé.',
      );
    else say.push('D’accord, je ne vous envoie rien.');
    if (pending.hangupAfter) return { say: [...say, GOODBYE], hangup: true };
    return { say, question: pending.after ?? ANYTHING_ELSE };
  }

  private engineTurn(input: {
    text: string;
    choiceValue?: string;
    speechConfidence?: number;
  }): Promise<Draft> {
    const inflight = { id: `${this.hook.CallSid}:${this.step}`, ...input, waits: 0 };
    this.session.inflight = inflight;
    return this.run(inflight);
  }

  private async run(inflight: NonNullable<VoiceSession['inflight']>): Promise<Draft> {
    const outcome = await answerTurn(
      this.deps.engine,
      {
        tenantId: this.territory.id,
        channel: 'voice',
        address: this.hook.CallSid,
        providerMessageId: inflight.id,
        text: inflight.text,
        ...(inflight.choiceValue ? { choiceValue: inflight.choiceValue } : {}),
        ...(inflight.speechConfidence !== undefined ? { speechConfidence: inflight.speechConfidence } : {}),
        locale: 'fr',
      },
      { deadlineMs: this.deps.replyDeadlineMs },
    );
    if (outcome.kind === 'late') {
      void outcome.later.then((settled) => {
        if (settled.kind === 'failed')
          this.deps.logger.error('late voice turn failed', {
            tenant: this.territory.id,
            error: String(settled.error),
          });
      });
      inflight.waits += 1;
      if (inflight.waits > MAX_WAITS) {
        this.session.inflight = null;
        return this.toHuman(['Je suis désolée, le service est trop lent en ce moment.']);
      }
      return {
        say: [
          inflight.waits === 1 ? 'Un instant, s’il vous plaît.' : 'Je cherche encore, merci de patienter.',
        ],
        wait: true,
      };
    }
    this.session.inflight = null;
    if (outcome.kind === 'failed') {
      this.deps.logger.error('voice turn failed, answering the degraded message', {
        tenant: this.territory.id,
        error: String(outcome.error),
      });
      return this.toHuman(outcome.replies.map((r) => replyToSpeech(r).text));
    }
    this.session.failures = 0;
    return this.render(outcome.result);
  }

  /** The engine's replies as a phone answer. */
  private async render(result: TurnResult): Promise<Draft> {
    const notice = this.territory.notice.shortText;
    const replies = result.replies.filter(
      (r) => !(this.session.noticeSaid && r.type === 'text' && r.text === notice),
    );
    if (result.forwardedToAgent || replies.length === 0)
      return this.toHuman(['Votre message est transmis à un agent.']);

    const say: string[] = [];
    const links: { text: string; url: string }[] = [];
    let question: Question | undefined;
    let transfer = false;
    let end: string | undefined;
    for (const reply of replies) {
      if (reply.type === 'handover' && reply.state === 'transfer') transfer = true;
      else if (reply.type === 'end') end = reply.text ?? '';
      else if (reply.type === 'choices') {
        if (question) say.push(question.prompt);
        question = {
          prompt: reply.text,
          choices: reply.choices.slice(0, 9).map((c) => ({ ...c })),
          kind: 'engine',
          critical: false,
        };
      } else {
        const spoken = replyToSpeech(reply);
        say.push(spoken.text);
        if (spoken.link) links.push(spoken.link);
      }
    }
    // A final open question ("Où se situe le problème ? Indiquez l'adresse.") is asked inside the gather:
    // the dialogue waits for an answer (a form slot, a pending question), or the text asks one.
    const dialogue = await this.dialogueState(result.conversationId);
    const last = say[say.length - 1];
    if (!question && !end && !transfer && last && (dialogue.expectsAnswer || /\?\s*$/.test(last))) {
      say.pop();
      question = { prompt: last, choices: [], kind: 'engine', critical: false };
    }
    if (question) question.critical = isCriticalQuestion(dialogue.pendingSlot, question.prompt);

    for (const link of links) {
      say.push(
        (await this.sendSms(link.text, link.url))
          ? 'Je vous envoie le lien par SMS.'
          : `Vous trouverez ce lien sur le site internet de ${this.territory.name}.`,
      );
    }
    if (transfer) return this.toHuman(say);

    const reference = this.smsPossible()
      ? replies.map(replyText).join(' ').match(referencesInText())?.[0]
      : undefined;
    const recap = reference ? await this.recapBody(reference) : undefined;
    if (recap) {
      this.session.pending = {
        kind: 'sms',
        body: recap,
        after: question ?? null,
        hangupAfter: end !== undefined,
      };
      return {
        say,
        question: offerQuestion('Voulez-vous recevoir un SMS récapitulatif avec cette référence ?'),
      };
    }
    if (end !== undefined)
      return { say: [...say, end, end ? 'Au revoir.' : GOODBYE].filter(Boolean), hangup: true };
    return { say, question: question ?? ANYTHING_ELSE };
  }

  /** A person: transfer during the agents' hours, otherwise the caller's choices. */
  toHuman(before: string[] = []): Draft {
    if (agentsAvailable(this.territory, this.now)) {
      return {
        say: [...before, TRANSFER_TEXT],
        dial: { number: this.territory.agents.phone },
      };
    }
    return this.away('closed', before);
  }

  /** Nobody can take the call: a callback, a voice message, or (to a mobile) an SMS with our hours. */
  private away(reason: AwayReason, before: string[] = []): Draft {
    const sms = !this.deps.sender ? 'unavailable' : receivesSms(this.session.caller) ? 'possible' : 'refused';
    const menu = awayMenu(this.territory, this.now, reason, sms);
    this.session.pending = { kind: 'away', reason };
    this.session.failures = 0;
    return {
      say: [...before, ...menu.say],
      question: { prompt: menu.prompt, choices: menu.choices, kind: 'away', critical: false },
    };
  }

  private async answerAway(reason: AwayReason, digits?: string, speech?: string): Promise<Draft> {
    const question = this.session.question;
    const choice = digits
      ? question.choices[Number(digits) - 1]
      : speech && !isUnintelligible(speech, this.hook.Confidence)
        ? matchSpokenChoice(speech, question.choices)
        : undefined;
    if (!choice)
      return this.awayRetry(
        digits
          ? 'Ce choix n’existe pas.'
          : speech
            ? 'Je n’ai pas bien compris.'
            : 'Je ne vous ai pas entendu.',
      );
    this.session.failures = 0;
    if (choice.value === AWAY_CALLBACK) {
      const phone = toE164(this.session.caller);
      if (!phone) return this.askNumber(reason);
      this.session.pending = { kind: 'callback_number', phone, reason };
      return {
        say: [],
        question: offerQuestion(
          `Un agent vous rappellera au ${phoneForPeople(phone)}. C’est bien ce numéro ?`,
        ),
        promptOverride: `Un agent vous rappellera au ${phoneForPeople(phone)}. Pour ce numéro, tapez 1. Pour un autre numéro, tapez 2.`,
      };
    }
    if (choice.value === AWAY_MESSAGE) {
      this.session.pending = { kind: 'recording', reason };
      return {
        say: [
          'Laissez votre message après le bip. Si vous souhaitez être rappelé, donnez votre nom et votre numéro. Tapez dièse quand vous avez terminé.',
        ],
        record: true,
      };
    }
    if (choice.value === AWAY_SMS) return this.sendInformation(reason);
    return this.awayRetry('Ce choix n’existe pas.');
  }

  /** A number typed on the keypad, then read back. */
  private askNumber(reason: AwayReason, before: string[] = []): Draft {
    this.session.pending = { kind: 'typed_number', reason };
    return {
      say: before,
      question: {
        prompt: 'Tapez le numéro de téléphone auquel vous rappeler, puis la touche dièse.',
        choices: [],
        kind: 'keypad',
        critical: false,
      },
    };
  }

  private answerTypedNumber(reason: AwayReason): Draft {
    const typed = (this.hook.Digits ?? '').replace(/[#*]/g, '');
    const phone = typed.length >= 4 ? toE164(typed) : undefined;
    if (!phone) {
      this.session.failures += 1;
      if (this.session.failures >= AWAY_ATTEMPTS) return this.giveUp();
      return this.askNumber(reason, [typed ? 'Ce numéro n’est pas valide.' : 'Je n’ai reçu aucun numéro.']);
    }
    this.session.pending = { kind: 'confirm_number', phone, reason };
    return {
      say: [],
      question: offerQuestion(`J’ai noté le ${phoneForPeople(phone)}. C’est bien ce numéro ?`),
      promptOverride: `J’ai noté le ${phoneForPeople(phone)}. Pour confirmer, tapez 1. Pour le corriger, tapez 2.`,
    };
  }

  private async landCallback(phone: string): Promise<Draft> {
    const said = `C’est noté : un agent vous rappellera au ${phoneForPeople(phone)} ${whenAgentsAnswer(this.territory, this.now)}.`;
    try {
      await this.landing().callback(phone, said);
    } catch (error) {
      this.deps.logger.error('voice: the callback could not be recorded', {
        tenant: this.territory.id,
        error: String(error),
      });
      return this.giveUp(['Désolée, votre demande de rappel n’a pas pu être enregistrée.']);
    }
    this.session.pending = null;
    return { say: [said, GOODBYE], hangup: true };
  }

  /** The counter's contacts and hours by SMS; the contacts and how to follow up are never cut. */
  private async sendInformation(reason: AwayReason): Promise<Draft> {
    const sms = informationSms(this.territory, this.now);
    const pages = this.pages(sms.text, sms.keep);
    const body = pages.join('\n');
    if (!(await this.sendPages(pages))) return this.away(reason, ['Désolée, le SMS n’a pas pu être envoyé.']);
    await this.landing()
      .smsSent(body)
      .catch((error: unknown) =>
        this.deps.logger.warn('voice: the SMS sent could not be kept in the transcript', {
          tenant: this.territory.id,
          error: String(error),
        }),
      );
    this.session.pending = null;
    return {
      say: ['C’est envoyé : vous recevrez nos horaires et nos contacts par SMS.', GOODBYE],
      hangup: true,
    };
  }

  /** Not understood in the away menus: say so and ask again, then end with when to call back. */
  private awayRetry(sorry: string): Draft {
    this.session.failures += 1;
    if (this.session.failures >= AWAY_ATTEMPTS) return this.giveUp();
    return { say: [sorry], question: this.session.question };
  }

  private giveUp(before: string[] = []): Draft {
    this.session.pending = null;
    return { say: [...before, callBackText(this.territory, this.now), GOODBYE], hangup: true };
  }

  private landing(): VoiceLanding {
    return new VoiceLanding(this.deps.store, this.deps.engine, this.territory, this.hook.CallSid, this.now);
  }

  private smsPossible(): boolean {
    return !!this.deps.sender && canReceiveSms(this.session.caller);
  }

  /** Sends an SMS to the caller from the number called; `keep` (a URL) is never cut. */
  private sendSms(body: string, keep = ''): Promise<boolean> {
    return this.sendPages(this.pages(body, keep));
  }

  /** Every page, in order: a caller cannot ask for the next one by SMS as a texter does ("SUITE"). */
  private async sendPages(pages: readonly string[]): Promise<boolean> {
    const sender = this.deps.sender;
    if (!sender || !canReceiveSms(this.session.caller)) return false;
    try {
      for (const page of pages) await sender.sendSms(this.session.caller, this.session.called, page);
      return true;
    } catch (error) {
      this.deps.logger.error('voice: SMS follow-up could not be sent', {
        tenant: this.territory.id,
        error: String(error),
      });
      return false;
    }
  }

  private pages(body: string, keep = ''): string[] {
    const { transliterate, segmentBudget } = this.territory.sms;
    return smsPages(body, { transliterate, segmentBudget }, keep);
  }

  /** The SMS summary of a request created during the call; none when the request is not in the store. */
  private async recapBody(reference: string): Promise<string | undefined> {
    const request = await this.deps.store
      .getRequestByReference(this.territory.id, reference)
      .catch(() => null);
    if (!request) return undefined;
    const type = this.territory.requestTypes.find((t) => t.id === request.type)?.label;
    const details = [type, request.addressText].filter(Boolean).join(', ');
    return `${this.territory.name} : votre demande ${reference}${details ? ` (${details})` : ''} est bien enregistrée. Pour la suivre, envoyez ${reference} par SMS à ce numéro.`;
  }

  /**
   * Whether the dialogue waits for an answer, and for which form slot (an address must be read back when
   * recognition is unsure). Asked of the engine: the conversation state the turn just saved.
   */
  private async dialogueState(
    conversationId: string,
  ): Promise<{ expectsAnswer: boolean; pendingSlot: string | null }> {
    try {
      const state = await this.deps.engine.conversationState(conversationId);
      return {
        expectsAnswer: state.form !== null || state.awaiting !== null,
        pendingSlot: state.form?.pending ?? null,
      };
    } catch {
      return { expectsAnswer: false, pendingSlot: null };
    }
  }
}

const replyText = (r: Reply): string =>
  ('text' in r && typeof r.text === 'string' ? r.text : '') +
  (r.type === 'card' ? ` ${r.title} ${(r.fields ?? []).map((f) => f.value).join(' ')}` : '');
