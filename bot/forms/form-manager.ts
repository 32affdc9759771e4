// Slot filling the way a good counter agent does it: ask only what is missing, take several answers
// at once, accept corrections, re-ask with a specific hint, summarise and confirm before submitting,
// let the citizen cancel, ask for help, or digress at any step.
import { channelCapabilities } from '../channel-capabilities';
import type { FormState } from '../state';
import type { TurnContext } from '../turn-context';
import { phrase, type Phrase } from '../i18n';
import type { FormDefinition, SlotDefinition, SlotInput, SlotValue } from './form-definition';
import { formatSlot, phraseOf, summaryFields } from './form-runner';

export const MAX_ATTEMPTS = 3;
/** A lost form is recognised in the last messages of the transcript, if the bot asked within this delay. */
const LOST_FORM_LOOKBACK = 12;
const LOST_FORM_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const YES = 'yes';
const NO = 'no';
const EDIT_PREFIX = 'edit:';
const SKIP_WORDS = /^(non|nan|no|passer|aucun|aucune|pas besoin|rien|skip|none|non merci|no thanks)[.! ]*$/i;

/** Reads as a question: a question mark, an interrogative word, or a question opening ("où est…", "puis-je…"). */
const QUESTION =
  /\?|\b(quand|comment|combien|pourquoi|quel|quelle|quels|quelles|est-ce|what|when|where|how|why|which)\b|^\s*(où|ou est|ou sont|qui|puis-je|peut-on|pouvez-vous|faut-il|y a-t-il|can|could|is|are|do|does)\b/i;

/**
 * "non, c'est rue Pasteur, au numéro 5", "non c'est au 14", "pardon, il s'appelle Léo Martin": a correction marker
 * and what it corrects (group 1).
 */
const CORRECTION =
  /^\s*(?:(?:non|nan|no|pardon|oups|en fait|plut[oô]t|correction|erreur|je me suis tromp[ée]e?|actually|sorry)\b[\s,.!:;-]*)+(?:(?:c['’]?\s?est|ce\s+n['’]est\s+pas\s+[^,]*,?\s*(?:mais\s+)?(?:c['’]?\s?est\s+)?|il\s+s['’]agit\s+d[eu]|(?:il|elle)\s+s['’]appelle|it['’]s|it\s+is)\s+)?(.+)$/i;

/** "ce n'est pas le 12, c'est le 14". */
const NOT_X_BUT_Y = /^\s*(?:ce\s+n['’]est\s+pas|c['’]est\s+pas)\s+[^,]+,\s*(?:mais\s+)?c['’]?\s?est\s+(.+)$/i;

/** What a correction says, without its marker; undefined when the message is no correction ("non merci"). */
export function correctionBody(text: string): string | undefined {
  if (SKIP_WORDS.test(text.trim())) return undefined;
  const body = (CORRECTION.exec(text) ?? NOT_X_BUT_Y.exec(text))?.[1]?.trim();
  return body && body.length > 0 ? body : undefined;
}

/**
 * Answers a digression: false when nothing took it, true to resume the form, 'held' when the answer asked a
 * question of its own (how an agent should call back) that must be answered before the form resumes.
 */
export type DigressionHandler = (ctx: TurnContext) => Promise<boolean | 'held'>;

export interface FormManagerOptions {
  /** Whether a question of this intent may interrupt a form (declared by its module, IntentDescription). */
  mayDigress(intent: string): boolean;
  /** The safe path once "agent, or cancel?" got no usable answer either (a person, or the counter's contacts). */
  giveUp?(ctx: TurnContext): Promise<void>;
}

export class FormManager {
  private readonly forms = new Map<string, FormDefinition>();

  constructor(private readonly options: FormManagerOptions) {}

  register(form: FormDefinition): void {
    this.forms.set(form.name, form);
  }

  has(name: string): boolean {
    return this.forms.has(name);
  }

  /** A form's title and its filled slots as people read them (the hand-over summary for the agents). */
  describeFilled(
    ctx: TurnContext,
    state: { name: string; values: FormState['values'] },
  ): { title: string; fields: { label: string; value: string }[] } | null {
    const form = this.forms.get(state.name);
    if (!form) return null;
    return {
      title: ctx.t(form.title),
      fields: summaryFields(form, state.values, ctx).filter((f) => f.value !== ''),
    };
  }

  /** Starts a form from the message that asked for it (which may already fill some slots). */
  async start(ctx: TurnContext, name: string): Promise<void> {
    const form = this.get(name);
    if (await form.redirect?.(ctx)) return;
    ctx.state.form = { name, values: {}, pending: null, attempts: 0, confirming: false };
    ctx.text(form.intro);
    await this.fill(ctx, form, ctx.state.form, { allowRawForPending: false });
  }

  /**
   * A form in progress lost with the conversation state (a restart with in-memory state, an expired state): the
   * transcript in the shared store still shows its last question. When the citizen answers it, cancels or corrects,
   * say so and offer to start again, instead of reading the answer as a new request ("Il n'y a rien en cours à
   * annuler"). Checked only on a fresh state (no intent yet), so a conversation that has its state pays nothing.
   */
  async recoverLost(ctx: TurnContext): Promise<boolean> {
    if (ctx.state.form || ctx.state.recentIntents.length > 0) return false;
    const { intent, confidence } = ctx.nlu;
    const choice = ctx.message.choiceValue;
    const newRequest =
      choice?.startsWith('intent:') ||
      this.forms.has(intent) ||
      (confidence >= 0.7 &&
        intent !== 'cancel' &&
        (intent !== 'knowledge' || QUESTION.test(ctx.message.text)));
    if (newRequest) return false;
    const form = await this.formAskedLast(ctx);
    if (!form) return false;
    const title = ctx.t(form.title);
    const cancelling = intent === 'cancel' && confidence >= 0.6 && !choice;
    ctx.text(
      cancelling
        ? phrase(
            `Votre demande en cours (${title}) a été interrompue de notre côté : rien n’a été enregistré, il n’y a donc plus rien à annuler.`,
            `Your request in progress (${title}) was interrupted on our side: nothing was saved, so there is nothing left to cancel.`,
          )
        : phrase(
            `Votre demande en cours (${title}) a été interrompue de notre côté et vos réponses n’ont pas été conservées, désolé.`,
            `Your request in progress (${title}) was interrupted on our side and your answers were not kept, sorry.`,
          ),
    );
    ctx.choices(
      cancelling
        ? phrase('Que puis-je faire pour vous ?', 'What can I do for you?')
        : phrase('Reprenons : voulez-vous la recommencer ?', 'Shall we start it again?'),
      [
        { label: ctx.t(phrase(`Reprendre ${title}`, `Start ${title} again`)), value: `intent:${form.name}` },
        { label: ctx.t(phrase('Autre chose', 'Something else')), value: 'intent:help' },
      ],
    );
    return true;
  }

  /** The form whose question or summary the bot's last replies show (within a day), if any. */
  private async formAskedLast(ctx: TurnContext): Promise<FormDefinition | undefined> {
    const messages = await ctx.sharedStore.listMessages(ctx.tenant.id, ctx.conversation.id, {
      limit: LOST_FORM_LOOKBACK,
    });
    const lastIn = messages.map((m) => m.direction).lastIndexOf('in');
    const lastOut = messages.slice(lastIn + 1).filter((m) => m.direction === 'out');
    const recent = lastOut.filter(
      (m) => !m.createdAt || ctx.now.getTime() - m.createdAt.getTime() < LOST_FORM_MAX_AGE_MS,
    );
    if (recent.length === 0) return undefined;
    const said = recent.map((m) => m.text).join('\n');
    return [...this.forms.values()].find((form) =>
      this.formSentences(ctx, form).some((t) => said.includes(t)),
    );
  }

  /** What only this form says: its questions and hints (both languages), its summary title. */
  private formSentences(ctx: TurnContext, form: FormDefinition): string[] {
    const sentences = [phrase(`Récapitulatif de ${ctx.t(form.title)}`, `Summary of ${ctx.t(form.title)}`)];
    for (const slot of form.slots) {
      sentences.push(slot.hint);
      if (typeof slot.prompt !== 'function') sentences.push(slot.prompt);
    }
    return [...new Set(sentences.flatMap((p) => [p.fr, p.en]))].filter((t) => t.length >= 12);
  }

  /** Continues the active form with this turn's message. */
  async continue(ctx: TurnContext, digress: DigressionHandler): Promise<void> {
    const state = ctx.state.form;
    if (!state) return;
    const form = this.get(state.name);
    const { intent, confidence } = ctx.nlu;
    const choice = ctx.message.choiceValue;

    // A bare "non" answers the question asked ("une photo ? … ou « non »"), and a clicked choice
    // ("Non, corriger") means that choice: neither cancels the form, whatever the NLU says.
    const answered =
      SKIP_WORDS.test(ctx.message.text.trim()) || (choice !== undefined && choice !== 'cancel');
    if ((intent === 'cancel' && confidence >= 0.6 && !answered) || choice === 'cancel') {
      ctx.state.form = null;
      ctx.text(
        phrase(
          'C’est annulé, rien n’a été enregistré. Que puis-je faire d’autre pour vous ?',
          'Cancelled: nothing was saved. What else can I do for you?',
        ),
      );
      return;
    }
    if (intent === 'help' && confidence >= 0.6 && !this.fillsSomething(ctx, form, state)) {
      const slot = state.pending ? this.slot(form, state.pending) : undefined;
      ctx.text(
        phrase(
          `Nous remplissons ${ctx.t(form.title)}. ${slot ? ctx.t(slot.hint) : ''} Vous pouvez dire « annuler » à tout moment.`,
          `We are filling in ${ctx.t(form.title)}. ${slot ? ctx.t(slot.hint) : ''} You can say "cancel" at any time.`,
        ),
      );
      this.ask(ctx, form, state);
      return;
    }

    if (state.confirming) {
      await this.handleConfirmation(ctx, form, state, digress);
      return;
    }
    // "non c'est au 14" just after the address corrects the address: it is not the answer to the next question.
    const corrected = await this.correct(ctx, form, state);
    if (corrected) return this.advance(ctx, form, state, { filled: [corrected], explained: false }, false);

    if (this.isDigression(ctx, form)) {
      // A question about something else: answered only if it fills nothing here and a module takes it;
      // otherwise the message is read as an answer to the pending question after all.
      const strict = await this.collect(ctx, form, state, { allowRawForPending: false });
      if (strict.filled.length > 0) return this.advance(ctx, form, state, strict, true);
      const digressed = await digress(ctx);
      if (digressed === 'held') return;
      if (digressed) return this.resumeAfterDigression(ctx, form, state);
    }
    await this.advance(
      ctx,
      form,
      state,
      await this.collect(ctx, form, state, { allowRawForPending: true }),
      true,
    );
  }

  private async handleConfirmation(
    ctx: TurnContext,
    form: FormDefinition,
    state: FormState,
    digress: DigressionHandler,
  ) {
    const choice = ctx.message.choiceValue;
    if (choice?.startsWith(EDIT_PREFIX)) {
      const slotName = choice.slice(EDIT_PREFIX.length);
      const slot = form.slots.find((s) => s.name === slotName);
      if (slot) {
        delete state.values[slot.name];
        this.forgetDependents(form, state, slot.name);
        state.confirming = false;
        this.ask(ctx, form, state);
        return;
      }
    }
    const answer = choice === YES || choice === NO ? choice : this.yesNo(ctx);
    // "non, c'est rue Pasteur, au numéro 5": a correction given with the refusal, applied to the slot it evidently
    // corrects; the summary is then shown again.
    const direct = choice === undefined ? await this.correct(ctx, form, state) : undefined;
    if (direct) {
      state.confirming = false;
      await this.advance(ctx, form, state, { filled: [direct], explained: false }, false);
      return;
    }
    const corrected = await this.collect(ctx, form, state, { allowRawForPending: false, overwrite: true });
    if (corrected.filled.length > 0) {
      state.confirming = false;
      await this.advance(ctx, form, state, corrected, false);
      return;
    }
    if (answer === YES) {
      await this.submit(ctx, form, state);
      return;
    }
    if (answer === NO) {
      ctx.choices(
        phrase('Que voulez-vous corriger ?', 'What would you like to change?'),
        form.slots
          .filter((s) => state.values[s.name] !== undefined)
          .map((s) => ({ label: phraseOf(s.label, ctx), value: `${EDIT_PREFIX}${s.name}` }))
          .concat([{ label: ctx.t(phrase('Tout annuler', 'Cancel everything')), value: 'cancel' }]),
      );
      return;
    }
    const digressed = this.isDigression(ctx, form) && (await digress(ctx));
    if (digressed === 'held') return;
    if (digressed) {
      this.resumeAfterDigression(ctx, form, state);
      return;
    }
    ctx.text(
      phrase(
        'Je n’ai pas compris : répondez « oui » pour confirmer ou « non » pour corriger.',
        'I did not understand: answer "yes" to confirm or "no" to change something.',
      ),
    );
    this.confirm(ctx, form, state);
  }

  private async fill(
    ctx: TurnContext,
    form: FormDefinition,
    state: FormState,
    opts: { allowRawForPending: boolean },
  ) {
    await this.advance(ctx, form, state, await this.collect(ctx, form, state, opts), false);
  }

  /** Extracts and validates every slot the message fills; returns the names filled. */
  private async collect(
    ctx: TurnContext,
    form: FormDefinition,
    state: FormState,
    opts: { allowRawForPending: boolean; overwrite?: boolean },
  ): Promise<{ filled: string[]; explained: boolean }> {
    const filled: string[] = [];
    const invalid: Phrase[] = [];
    for (const slot of form.slots) {
      if (slot.skipIf?.(state.values, ctx)) continue;
      const asked = opts.allowRawForPending && state.pending === slot.name;
      if (!asked && !opts.overwrite && state.values[slot.name] !== undefined && !this.isCorrection(ctx))
        continue;
      const input: SlotInput = {
        text: ctx.message.text,
        entities: ctx.nlu?.entities ?? [],
        choiceValue: ctx.message.choiceValue,
        media: ctx.message.media,
        location: ctx.message.location,
        asked,
        ctx,
      };
      let value: SlotValue | undefined;
      if (asked && slot.optional && SKIP_WORDS.test(ctx.message.text.trim())) value = null;
      else value = await slot.extract(input);
      if (value === undefined) continue;
      const problem = value === null ? null : (slot.validate?.(value, ctx) ?? null);
      if (problem) {
        if (asked) invalid.push(problem);
        continue;
      }
      if (
        state.values[slot.name] !== undefined &&
        JSON.stringify(state.values[slot.name]) === JSON.stringify(value)
      )
        continue;
      state.values[slot.name] = value;
      this.forgetDependents(form, state, slot.name);
      filled.push(slot.name);
    }
    if (invalid.length > 0) ctx.text(invalid[0]!);
    return { filled, explained: invalid.length > 0 };
  }

  /**
   * Moves to the next missing slot, or to the confirmation. `answering` is true when the message was an
   * answer to the pending question: if it did not fill it, the question is re-asked with its hint.
   */
  private async advance(
    ctx: TurnContext,
    form: FormDefinition,
    state: FormState,
    result: { filled: string[]; explained: boolean },
    answering: boolean,
  ) {
    const { filled } = result;
    const noted = filled
      .map((name) => this.slot(form, name))
      .filter((s) => state.values[s.name] !== null)
      .map((s) => this.format(ctx, s, state.values[s.name]!))
      .filter((v) => v.length > 0 && v.length <= 120);
    if (noted.length > 0)
      ctx.text(phrase(`C’est noté : ${noted.join(', ')}.`, `Noted: ${noted.join(', ')}.`));

    const missing = this.nextMissing(ctx, form, state);
    if (!missing) {
      state.pending = null;
      state.attempts = 0;
      state.confirming = true;
      this.confirm(ctx, form, state);
      return;
    }
    const stillPending = answering && state.pending === missing.name && !filled.includes(missing.name);
    if (!stillPending) {
      state.pending = missing.name;
      state.attempts = 0;
      this.ask(ctx, form, state);
      return;
    }
    state.attempts += 1;
    // Never the same sentence again after "agent, or cancel?".
    if (state.attempts > MAX_ATTEMPTS && this.options.giveUp) {
      await this.options.giveUp(ctx);
      return;
    }
    if (state.attempts >= MAX_ATTEMPTS) {
      ctx.choices(
        phrase(
          'Je n’arrive pas à comprendre votre réponse. Voulez-vous parler à un agent, ou annuler ?',
          'I cannot understand your answer. Would you like to talk to a person, or cancel?',
        ),
        [
          { label: ctx.t(phrase('Parler à un agent', 'Talk to a person')), value: 'intent:human_agent' },
          { label: ctx.t(phrase('Annuler', 'Cancel')), value: 'cancel' },
        ],
      );
      return;
    }
    // Never the same sentence twice: first the slot's specific hint, then an apology with the hint.
    const sorry = phrase('Désolé, je n’ai toujours pas compris.', 'Sorry, I still did not understand.');
    const hint = ctx.t(missing.hint);
    // The validator's explanation already re-asked, unless the slot offers choices: those are offered again.
    if (state.attempts === 1 && result.explained && (missing.choices?.(ctx) ?? []).length === 0) return;
    this.ask(ctx, form, state, state.attempts === 1 ? hint : `${ctx.t(sorry)} ${hint}`);
  }

  private ask(ctx: TurnContext, form: FormDefinition, state: FormState, override?: string) {
    const slotName = state.pending ?? this.nextMissing(ctx, form, state)?.name;
    if (!slotName) return this.confirm(ctx, form, state);
    const slot = this.slot(form, slotName);
    state.pending = slot.name;
    const text = override ?? phraseOf(slot.prompt, ctx);
    const slotChoices = slot.choices?.(ctx) ?? [];
    if (slot.requestsLocation && channelCapabilities(ctx.message.channel).sharesLocation) {
      ctx.reply({ type: 'location_request', text });
    } else if (slotChoices.length > 0) ctx.choices(text, slotChoices);
    else ctx.text(text);
  }

  private confirm(ctx: TurnContext, form: FormDefinition, state: FormState) {
    ctx.reply({
      type: 'card',
      title: ctx.t(phrase(`Récapitulatif de ${ctx.t(form.title)}`, `Summary of ${ctx.t(form.title)}`)),
      fields: summaryFields(form, state.values, ctx),
    });
    ctx.choices(phrase('Est-ce correct ? Je l’enregistre ?', 'Is this correct? Shall I submit it?'), [
      { label: ctx.t(phrase('Oui, enregistrer', 'Yes, submit')), value: YES },
      { label: ctx.t(phrase('Non, corriger', 'No, change something')), value: NO },
    ]);
  }

  private async submit(ctx: TurnContext, form: FormDefinition, state: FormState) {
    const values = Object.fromEntries(Object.entries(state.values).filter(([, v]) => v !== null));
    const parsed = form.schema.safeParse(values);
    if (!parsed.success) {
      // A slot validator let something through that the payload schema refuses: ask again for it.
      const field = String(parsed.error.issues[0]?.path[0] ?? '');
      const slot = form.slots.find((s) => s.name === field);
      state.confirming = false;
      if (slot) delete state.values[slot.name];
      ctx.text(phrase('Il manque une information.', 'One piece of information is missing.'));
      this.ask(ctx, form, state);
      return;
    }
    ctx.state.form = null;
    await form.submit(ctx, parsed.data);
  }

  private resumeAfterDigression(ctx: TurnContext, form: FormDefinition, state: FormState) {
    ctx.text(phrase(`Reprenons ${ctx.t(form.title)}.`, `Let's get back to ${ctx.t(form.title)}.`));
    if (state.confirming) this.confirm(ctx, form, state);
    else this.ask(ctx, form, state);
  }

  private nextMissing(ctx: TurnContext, form: FormDefinition, state: FormState): SlotDefinition | undefined {
    return form.slots.find((s) => state.values[s.name] === undefined && !s.skipIf?.(state.values, ctx));
  }

  private fillsSomething(ctx: TurnContext, form: FormDefinition, state: FormState): boolean {
    return (
      ctx.nlu.entities.some((e) => ['address', 'category', 'date', 'email', 'phone'].includes(e.type)) &&
      state.pending !== null &&
      !!form
    );
  }

  /** A question about something else asked in the middle of a form (answered, then the form resumes). */
  private isDigression(ctx: TurnContext, form: FormDefinition): boolean {
    const { intent, confidence } = ctx.nlu;
    return (
      confidence >= 0.7 &&
      intent !== form.name &&
      this.options.mayDigress(intent) &&
      // "knowledge" is the catch-all: a statement ("de l'eau coule en permanence") answers the question asked.
      (intent !== 'knowledge' || QUESTION.test(ctx.message.text)) &&
      !ctx.message.choiceValue
    );
  }

  /**
   * Applies a correction ("non c'est au 14") to the answered slot whose extractor takes it, the last in the form
   * first; returns that slot's name, or undefined when nothing answered takes it (the message is then read as
   * usual). Free-text slots take no correction: `correcting` tells extractors to accept only what clearly is theirs.
   */
  private async correct(
    ctx: TurnContext,
    form: FormDefinition,
    state: FormState,
  ): Promise<string | undefined> {
    const body = correctionBody(ctx.message.text);
    if (!body || ctx.message.choiceValue || ctx.message.media?.length || ctx.message.location)
      return undefined;
    // The "non" is the correction's marker, not an answer to a yes/no question.
    const entities = (ctx.nlu?.entities ?? []).filter((e) => e.type !== 'yes_no');
    const answered = form.slots.filter(
      (s) =>
        state.values[s.name] !== undefined &&
        state.values[s.name] !== null &&
        s.name !== state.pending &&
        !s.skipIf?.(state.values, ctx),
    );
    for (const slot of answered.reverse()) {
      const value = await slot.extract({ text: body, entities, asked: false, correcting: true, ctx });
      if (value === undefined || value === null || slot.validate?.(value, ctx)) continue;
      if (JSON.stringify(state.values[slot.name]) === JSON.stringify(value)) continue;
      state.values[slot.name] = value;
      this.forgetDependents(form, state, slot.name);
      return slot.name;
    }
    return undefined;
  }

  /** A changed answer makes the answers that depend on it meaningless (`dependsOn`): they are asked again. */
  private forgetDependents(form: FormDefinition, state: FormState, changed: string): void {
    for (const slot of form.slots)
      if (slot.dependsOn?.includes(changed) && state.values[slot.name] !== undefined) {
        delete state.values[slot.name];
        this.forgetDependents(form, state, slot.name);
      }
  }

  private isCorrection(ctx: TurnContext): boolean {
    return /^\s*(non|nan|no|en fait|plutot|plutôt|pardon|correction|je me suis trompe|je me suis trompé|actually|sorry)\b/i.test(
      ctx.message.text,
    );
  }

  private yesNo(ctx: TurnContext): 'yes' | 'no' | undefined {
    const e = ctx.nlu.entities.find((x) => x.type === 'yes_no');
    return e?.value === 'yes' ? YES : e?.value === 'no' ? NO : undefined;
  }

  private format(ctx: TurnContext, slot: SlotDefinition, value: SlotValue): string {
    return formatSlot(slot, value, ctx);
  }

  private slot(form: FormDefinition, name: string): SlotDefinition {
    const slot = form.slots.find((s) => s.name === name);
    if (!slot) throw new Error(`Form ${form.name} has no slot ${name}`);
    return slot;
  }

  private get(name: string): FormDefinition {
    const form = this.forms.get(name);
    if (!form) throw new Error(`Unknown form ${name}`);
    return form;
  }
}
