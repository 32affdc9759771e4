// Routes one understood message: active form first, then a pending question, then the intent's module,
// and when the NLU is unsure, the knowledge base or a clarifying question instead of a guess.
import { FormManager } from './forms/form-manager';
import { phrase } from './i18n';
import {
  IntentCatalog,
  type FallbackModule,
  type IntentModule,
  type IntentDescription,
} from './intent-module';
import type { Intent } from './nlu/types';
import { MAX_QUESTION_CHARS, MAX_RECENT_INTENTS } from './state';
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

export class Dialogue {
  /** Labels, help menu, digressions and meanings, derived from the registered modules. */
  readonly catalog: IntentCatalog;
  readonly forms: FormManager;
  private readonly byIntent = new Map<Intent, IntentModule>();
  private readonly byId = new Map<string, IntentModule>();

  constructor(private readonly options: DialogueOptions) {
    this.catalog = new IntentCatalog(options.modules);
    this.forms = new FormManager({ mayDigress: (intent) => this.catalog.mayDigress(intent) });
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
    if (value.startsWith(INTENT_CHOICE)) {
      const intent = value.slice(INTENT_CHOICE.length) as Intent;
      if (this.catalog.has(intent)) ctx.nlu = { ...ctx.nlu, intent, confidence: 1 };
    }
  }

  async run(ctx: TurnContext): Promise<void> {
    ctx.handoverBrief = () => this.handoverBrief(ctx);
    // The citizen's own words: not a menu choice, nor an answer to a form or to a question the bot asked.
    const ownWords = !ctx.message.choiceValue && !ctx.state.form && !ctx.state.awaiting;
    const fromChoices = ctx.state.lastChoices;
    ctx.state.lastChoices = [];
    // Choices are only meaningful for the very next message.
    if (ctx.state.form) {
      await this.forms.continue(ctx, (c) => this.digress(c));
    } else if (ctx.state.awaiting && (await this.resumeAwaiting(ctx))) {
      // answered the pending question
    } else {
      ctx.state.awaiting = null;
      // A form lost with the state (restart) is named, rather than its answer read as a new request.
      if (!(await this.forms.recoverLost(ctx))) await this.route(ctx);
    }
    if (!ctx.handled) ctx.state.lastChoices = fromChoices;
    // Kept after the turn, so that "parler à un agent" hands over the question asked before it.
    if (ownWords && this.isQuestion(ctx))
      ctx.state.lastQuestion = ctx.message.text.trim().slice(0, MAX_QUESTION_CHARS);
    ctx.state.recentIntents = [...ctx.state.recentIntents, ctx.nlu.intent].slice(-MAX_RECENT_INTENTS);
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
    this.clarify(ctx);
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
    if (this.forms.has(intent)) await this.forms.start(ctx, intent);
    else await module.handle(ctx);
  }

  /** Answers a question asked in the middle of a form; the form manager then resumes. */
  private async digress(ctx: TurnContext): Promise<boolean> {
    const module = this.byIntent.get(ctx.nlu.intent);
    if (!module || this.forms.has(ctx.nlu.intent)) return false;
    const form = ctx.state.form;
    await module.handle(ctx);
    // A module that starts its own flow must not drop the form in progress.
    ctx.state.form = form;
    ctx.state.awaiting = null;
    return true;
  }

  private clarify(ctx: TurnContext): void {
    ctx.state.misunderstandings += 1;
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
