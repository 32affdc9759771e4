// Routes one understood message: active form first, then a pending question, then the intent's module,
// and when the NLU is unsure, the knowledge base or a clarifying question instead of a guess.
import { choiceForYesNo, isYesNoQuestion } from './choice-questions';
import { FormManager } from './forms/form-manager';
import { phrase } from './i18n';
import {
  IntentCatalog,
  type FallbackModule,
  type IntentModule,
  type IntentDescription,
} from './intent-module';
import type { Intent } from './nlu/types';
import type { Choice } from './messages';
import { CONTEXT_TTL_MS, MAX_QUESTION_CHARS, MAX_RECENT_INTENTS } from './state';
import type { HandoverBrief, TurnContext } from './turn-context';

export interface DialogueOptions {
  modules: readonly IntentModule[];
  fallback?: FallbackModule;
  /** Below this NLU confidence the engine does not act on the intent. */
  confidenceThreshold: number;
  /** A second opinion when the NLU is unsure (the optional language model); undefined when it is unsure too. */
  lowConfidence?: (
    ctx: TurnContext,
    intents: readonly IntentDescription[],
  ) => Promise<{ intent: Intent; confidence: number } | undefined>;
}

const NUMBERED_CHOICE = /^\s*(\d{1,2})\s*[.)]?\s*$/;
const INTENT_CHOICE = 'intent:';
const HUMAN_AGENT_CHOICE = `${INTENT_CHOICE}human_agent`;

export class Dialogue {
  /** Labels, help menu, digressions and meanings, derived from the registered modules. */
  readonly catalog: IntentCatalog;
  readonly forms: FormManager;
  private readonly byIntent = new Map<Intent, IntentModule>();
  private readonly byId = new Map<string, IntentModule>();

  constructor(private readonly options: DialogueOptions) {
    this.catalog = new IntentCatalog(options.modules);
    this.forms = new FormManager({
      mayDigress: (intent) => this.catalog.mayDigress(intent),
      giveUp: (ctx) => this.safePath(ctx, { agentOffered: true }),
    });
    for (const module of options.modules) {
      this.byId.set(module.id, module);
      for (const { intent } of module.intents) this.byIntent.set(intent, module);
      for (const form of module.forms ?? []) this.forms.register(form);
    }
  }

  /** Maps "2" to the second choice offered last, and choice values "intent:X" to a sure intent. */
  resolveChoice(ctx: TurnContext): void {
    const m = NUMBERED_CHOICE.exec(ctx.message.text);
    if (!ctx.message.choiceValue && m) {
      const choice = ctx.state.lastChoices[Number(m[1]) - 1];
      if (choice) ctx.message.choiceValue = choice.value;
    }
    const value = ctx.message.choiceValue;
    if (!value) return;
    const choice = ctx.state.lastChoices.find((c) => c.value === value);
    if (choice && NUMBERED_CHOICE.test(ctx.message.text)) ctx.message.text = choice.label;
    this.choose(ctx, value);
  }

  /** A choice value "intent:X" makes X a sure intent. */
  private choose(ctx: TurnContext, value: string): void {
    ctx.message.choiceValue = value;
    if (value.startsWith(INTENT_CHOICE)) {
      const intent = value.slice(INTENT_CHOICE.length) as Intent;
      if (this.catalog.has(intent)) ctx.nlu = { ...ctx.nlu, intent, confidence: 1 };
    }
  }

  async run(ctx: TurnContext): Promise<void> {
    ctx.handoverBrief = () => this.handoverBrief(ctx);
    const context = ctx.state.context;
    if (context && !(ctx.now.getTime() - Date.parse(context.at) < CONTEXT_TTL_MS)) ctx.state.context = null;
    const fromChoices = ctx.state.lastChoices;
    const fromQuestion = ctx.state.choiceQuestion;
    const bare = this.bareYesNo(ctx);
    // The citizen's own words: not a menu choice, nor an answer to a form or to a question the bot asked.
    const ownWords = !ctx.message.choiceValue && !bare && !ctx.state.form && !ctx.state.awaiting;
    // Choices are only meaningful for the very next message.
    ctx.state.lastChoices = [];
    ctx.state.choiceQuestion = null;
    let misses = 0;
    if (bare && fromQuestion && fromChoices.length >= 2 && !ctx.message.choiceValue) {
      const picked = fromQuestion.yesNo ? choiceForYesNo(bare, fromChoices) : undefined;
      if (picked) this.choose(ctx, picked.value);
      else misses = fromQuestion.misses + 1;
    }
    if (misses >= 2) {
      // Asked which twice and still a bare yes/no: stop asking.
      await this.safePath(ctx, { agentOffered: fromChoices.some((c) => c.value === HUMAN_AGENT_CHOICE) });
    } else if (misses === 1) {
      this.askWhich(ctx, fromChoices);
    } else if (ctx.state.form && !this.handingOver(ctx)) {
      await this.forms.continue(ctx, (c) => this.digress(c));
    } else if (ctx.state.awaiting && (await this.resumeAwaiting(ctx))) {
      // answered the pending question
    } else {
      ctx.state.awaiting = null;
      // A form lost with the state (restart) is named, rather than its answer read as a new request.
      if (!(await this.forms.recoverLost(ctx))) await this.route(ctx);
    }
    if (!ctx.handled) {
      ctx.state.lastChoices = fromChoices;
      ctx.state.choiceQuestion = fromQuestion;
    } else {
      const offered = [...ctx.replies].reverse().find((r) => r.type === 'choices');
      if (offered?.type === 'choices' && ctx.state.lastChoices.length > 0)
        ctx.state.choiceQuestion = { yesNo: isYesNoQuestion(offered.text, offered.choices), misses };
    }
    // Kept after the turn, so that "parler à un agent" hands over the question asked before it.
    if (ownWords && this.isQuestion(ctx))
      ctx.state.lastQuestion = ctx.message.text.trim().slice(0, MAX_QUESTION_CHARS);
    ctx.state.recentIntents = [...ctx.state.recentIntents, ctx.nlu.intent].slice(-MAX_RECENT_INTENTS);
  }

  /** "oui", "non merci", "ouais": a yes or a no and nothing else (the NLU gives such a message no intent). */
  private bareYesNo(ctx: TurnContext): 'yes' | 'no' | undefined {
    if (ctx.nlu.confidence >= this.options.confidenceThreshold) return undefined;
    const answer = ctx.nlu.entities.find((e) => e.type === 'yes_no')?.value;
    return answer === 'yes' || answer === 'no' ? answer : undefined;
  }

  /** "oui" to "agent, or cancel?": which one, with the same choices (never the same sentence again). */
  private askWhich(ctx: TurnContext, choices: readonly Choice[]): void {
    ctx.choices(
      phrase(
        'Je ne sais pas lequel vous choisissez : « oui » ou « non » ne suffit pas ici. Répondez par le numéro ou le nom du choix :',
        'I do not know which one you choose: "yes" or "no" is not enough here. Answer with the number or the name of the choice:',
      ),
      [...choices],
    );
  }

  /**
   * When asking again would only repeat itself: a person if one was offered (and the citizen is not already
   * choosing how to be contacted), otherwise the counter's phone and hours.
   */
  private async safePath(ctx: TurnContext, options: { agentOffered: boolean }): Promise<void> {
    const agent = this.byIntent.get('human_agent');
    const inAgentFlow = this.handingOver(ctx);
    if (agent && options.agentOffered && !inAgentFlow) {
      ctx.text(
        phrase(
          'Je vous passe un agent, ce sera plus simple.',
          'I am passing you to a person, it will be simpler.',
        ),
      );
      ctx.nlu = { ...ctx.nlu, intent: 'human_agent', confidence: 1 };
      ctx.state.awaiting = null;
      await agent.handle(ctx);
      // The form stays until the hand-over, so that its summary reaches the agents; the question of how to be
      // contacted (out of hours) is answered before it (handingOver).
      return;
    }
    ctx.state.awaiting = null;
    ctx.text(
      phrase(
        `Je n’arrive pas à vous aider par écrit. Vous pouvez joindre l’accueil au ${ctx.tenant.contactPhone} (${ctx.tenant.contactHoursText}).`,
        `I cannot help you in writing. You can call the front desk on ${ctx.tenant.contactPhone} (${ctx.tenant.contactHoursText}).`,
      ),
    );
  }

  /** The person's service asked how to be contacted: its answer comes before the form left for the agents. */
  private handingOver(ctx: TurnContext): boolean {
    const agent = this.byIntent.get('human_agent');
    return !!agent && (ctx.state.awaiting?.kind ?? '').startsWith(`${agent.id}.`);
  }

  /** A sentence the bot did not understand is a question; one it understood as "hello" or "an agent" is not. */
  private isQuestion(ctx: TurnContext): boolean {
    if (ctx.message.text.trim() === '') return false;
    return ctx.nlu.confidence < this.options.confidenceThreshold || this.catalog.isQuestion(ctx.nlu.intent);
  }

  private handoverBrief(ctx: TurnContext): HandoverBrief {
    const labels = ctx.state.recentIntents
      .filter((intent) => this.catalog.isQuestion(intent as Intent))
      .map((intent) => this.catalog.label(intent as Intent))
      .filter((label) => label !== undefined)
      .map((label) => ctx.t(label));
    const form = ctx.state.form && this.forms.describeFilled(ctx, ctx.state.form);
    return {
      question: ctx.state.lastQuestion,
      lastIntents: [...new Set(labels)],
      form: form && ctx.state.form ? { name: ctx.state.form.name, ...form } : null,
    };
  }

  private async resumeAwaiting(ctx: TurnContext): Promise<boolean> {
    const kind = ctx.state.awaiting?.kind ?? '';
    const module = this.byId.get(kind.split('.')[0] ?? '');
    // A clear new request wins over the pending question; 'knowledge' is the catch-all, too vague to switch
    // ("la déchetterie" in answer to "which place?" must answer the question asked).
    const switching =
      !ctx.message.choiceValue &&
      ctx.nlu.confidence >= 0.8 &&
      ctx.nlu.intent !== 'knowledge' &&
      module &&
      !module.intents.some((d) => d.intent === ctx.nlu.intent);
    if (!module?.resume || switching) return false;
    const answered = await module.resume(ctx);
    // Remember the service actually given, so a follow-up ("et samedi ?") is read in its context.
    const given = module.intents[0]?.intent;
    if (answered && given) ctx.nlu = { ...ctx.nlu, intent: given };
    return answered;
  }

  private async route(ctx: TurnContext): Promise<void> {
    const previous = this.byIntent.get(ctx.state.recentIntents[ctx.state.recentIntents.length - 1] as Intent);
    const generic = ctx.nlu.intent === 'knowledge' || ctx.nlu.confidence < this.options.confidenceThreshold;
    if (previous?.followsUp && generic && !ctx.message.choiceValue && previous.followsUp(ctx)) {
      ctx.nlu = {
        ...ctx.nlu,
        intent: previous.intents[0]!.intent,
        confidence: Math.max(ctx.nlu.confidence, this.options.confidenceThreshold),
      };
    }
    const { intent, confidence } = ctx.nlu;
    const module = this.byIntent.get(intent);
    if (module && confidence >= this.options.confidenceThreshold) {
      ctx.state.misunderstandings = 0;
      await this.startOrHandle(ctx, module, intent);
      return;
    }
    ctx.effects.conversation.nluFallback = true;
    if (await this.reclassify(ctx)) return;
    if (this.options.fallback && (await this.options.fallback.tryAnswer(ctx))) {
      ctx.state.misunderstandings = 0;
      return;
    }
    await this.clarify(ctx);
  }

  private async reclassify(ctx: TurnContext): Promise<boolean> {
    const second = await this.options.lowConfidence?.(ctx, this.catalog.intents).catch(() => undefined);
    const module = second && this.byIntent.get(second.intent);
    if (!second || !module) return false;
    ctx.nlu = { ...ctx.nlu, intent: second.intent, confidence: second.confidence };
    ctx.state.misunderstandings = 0;
    await this.startOrHandle(ctx, module, second.intent);
    return true;
  }

  private async startOrHandle(ctx: TurnContext, module: IntentModule, intent: Intent): Promise<void> {
    if (!this.forms.has(intent)) return module.handle(ctx);
    // "c'est combien, l'inscription ?" asks about the service: answered, and the form offered, not started.
    if (!ctx.message.choiceValue && (await module.answersQuestion?.(ctx))) return;
    await this.forms.start(ctx, intent);
  }

  /** Answers a question asked in the middle of a form; the form manager then resumes. */
  private async digress(ctx: TurnContext): Promise<boolean | 'held'> {
    const module = this.byIntent.get(ctx.nlu.intent);
    if (!module || this.forms.has(ctx.nlu.intent)) return false;
    const form = ctx.state.form;
    await module.handle(ctx);
    // A module that starts its own flow must not drop the form in progress.
    ctx.state.form = form;
    // "How should an agent contact you?" is answered first (the form stays, for the agents' summary):
    // asking the form's question too would leave "1" meaning two things.
    if (this.handingOver(ctx)) return 'held';
    ctx.state.awaiting = null;
    return true;
  }

  private async clarify(ctx: TurnContext): Promise<void> {
    ctx.state.misunderstandings += 1;
    ctx.effects.conversation.unanswered = true;
    if (ctx.state.misunderstandings >= 3) {
      // The offer of a person was not taken either: the counter's contacts, then start over (no loop of
      // the same sentence).
      ctx.state.misunderstandings = 0;
      await this.safePath(ctx, { agentOffered: false });
      return;
    }
    if (ctx.state.misunderstandings >= 2) {
      ctx.choices(
        phrase(
          'Je ne comprends toujours pas, désolé. Voulez-vous parler à un agent ?',
          'Sorry, I still do not understand. Would you like to talk to a person?',
        ),
        [
          { label: ctx.t(phrase('Parler à un agent', 'Talk to a person')), value: 'intent:human_agent' },
          { label: ctx.t(phrase('Voir ce que je sais faire', 'See what I can do')), value: 'intent:help' },
        ],
      );
      return;
    }
    const alt = ctx.nlu.alternative;
    const suggestions: Intent[] = [
      ...new Set([ctx.nlu.intent, alt?.intent].filter((i): i is Intent => !!i)),
    ].filter((i) => this.byIntent.has(i) && !['greeting', 'goodbye', 'cancel', 'knowledge'].includes(i));
    // With no guess at all, the first three services of the help menu.
    const fallback = this.catalog.helpMenu.slice(0, 3).map((d) => d.intent);
    const options = (suggestions.length > 0 ? suggestions : fallback).map((i) => ({
      label: ctx.t(this.catalog.label(i) ?? phrase(i, i)),
      value: `${INTENT_CHOICE}${i}`,
    }));
    ctx.choices(
      phrase(
        'Je ne suis pas sûr d’avoir compris. Vous voulez :',
        'I am not sure I understood. Do you want to:',
      ),
      [
        ...options,
        { label: ctx.t(phrase('Parler à un agent', 'Talk to a person')), value: 'intent:human_agent' },
      ],
    );
  }
}
