// The counter and the switchboard: an agent files a request for a citizen who came in or called, through the
// very form definitions the bot uses (bot/forms/form-runner.ts gives them a second face: every field at once).
// Same slots, validation, duplicate detection within 50 m and confirmation; the request is recorded with the
// channel 'desk' or 'phone' and the agent on its 'received' event.
//
// Where the citizen is found later: when they give a phone number, the request belongs to the contact that
// number is on SMS — the receipt is an SMS in that conversation, and their later texts ("où en est
// DEM-…") find it by identity or by reference like any of their requests. Without a number, the request has
// a closed conversation of its own at the desk, whose transcript keeps the confirmation.
import { randomUUID } from 'node:crypto';
import { GuichetError } from '../../bot/errors';
import type { FormDefinition } from '../../bot/forms/form-definition';
import { describeForm, runForm, type FieldDescription } from '../../bot/forms/form-runner';
import { say, type Locale, type Phrase } from '../../bot/i18n';
import { replyToPlainText } from '../../bot/messages';
import type { Nlu } from '../../bot/nlu/types';
import type { ConversationRecord, MessageRecord, SharedStore } from '../../bot/ports';
import { readState } from '../../bot/state';
import type { TenantDirectory, TenantProfile } from '../../bot/tenant';
import { TurnContext } from '../../bot/turn-context';
import { deliveryTo } from '../citizen';

/** A form offered at the desk, with the service's name for people ("Signalement"). */
export interface DeskForm {
  form: FormDefinition;
  label: Phrase;
}

export type DeskChannel = 'desk' | 'phone';

export interface DeskService {
  id: string;
  label: string;
  fields: FieldDescription[];
}

export type DeskCheck =
  | { ok: true; summary: { label: string; value: string }[] }
  | { ok: false; errors: Record<string, string>; fields: FieldDescription[] };

export interface DeskFiled {
  reference: string;
  /** The bot's own confirmation, word for word (also the SMS receipt). */
  confirmation: string[];
  /** The receipt by SMS: queued in the outbox, refused because the number said STOP, or no number given. */
  sms: 'queued' | 'opted_out' | 'none';
  /** The receipt by e-mail (an address in the contact field): queued in the outbox, or none. */
  email: 'queued' | 'none';
}

export interface DeskInput {
  service: string;
  channel: DeskChannel;
  fields: Readonly<Record<string, string | undefined>>;
  locale?: Locale;
}

export interface DeskIntake {
  services(tenantId: string, locale?: Locale): DeskService[];
  check(tenantId: string, input: DeskInput): Promise<DeskCheck>;
  /** Files the request, or answers the per-field messages when something is wrong (nothing written). */
  file(
    tenantId: string,
    input: DeskInput,
    filedBy: string,
  ): Promise<DeskFiled | Extract<DeskCheck, { ok: false }>>;
}

export interface DeskIntakeDeps {
  forms: readonly DeskForm[];
  nlu: Nlu;
  store: SharedStore;
  tenants: TenantDirectory;
  /** Whether a contact said STOP (no SMS receipt then). */
  optedOut(tenantId: string, contactId: string): Promise<boolean>;
  clock: () => Date;
}

/** A conversation that exists only to validate (no store is written by validation). */
function probeConversation(tenantId: string, channel: DeskChannel, now: Date): ConversationRecord {
  return {
    id: 'desk-probe',
    tenantId,
    channel,
    address: 'desk-probe',
    contactId: 'desk-probe',
    owner: 'agent',
    status: 'open',
    agentId: null,
    createdAt: now,
    updatedAt: now,
  };
}

export function createDeskIntake(deps: DeskIntakeDeps): DeskIntake {
  const tenantOf = (tenantId: string): TenantProfile => {
    const tenant = deps.tenants.get(tenantId);
    if (!tenant) throw new GuichetError('NOT_FOUND', `No tenant ${tenantId}`);
    return tenant;
  };
  const formOf = (service: string): FormDefinition => {
    const found = deps.forms.find((f) => f.form.name === service);
    if (!found) throw new GuichetError('BAD_REQUEST', `service: no desk form "${service}"`);
    return found.form;
  };

  function contextFor(
    tenant: TenantProfile,
    conversation: ConversationRecord,
    channel: DeskChannel,
    locale: Locale,
  ): TurnContext {
    const state = readState(undefined);
    state.locale = locale;
    const now = deps.clock();
    const ctx = new TurnContext(
      { tenantId: tenant.id, channel, address: conversation.address, text: '' },
      tenant,
      conversation,
      state,
      now,
      deps.store,
    );
    ctx.nlu = deps.nlu.analyze('', { now, timeZone: tenant.timeZone });
    return ctx;
  }

  const probe = (tenant: TenantProfile, channel: DeskChannel, locale: Locale) =>
    contextFor(tenant, probeConversation(tenant.id, channel, deps.clock()), channel, locale);

  return {
    services(tenantId, locale = 'fr') {
      const ctx = probe(tenantOf(tenantId), 'desk', locale);
      return deps.forms.map(({ form, label }) => ({
        id: form.name,
        label: say(label, locale),
        fields: describeForm(form, ctx),
      }));
    },

    async check(tenantId, input) {
      const form = formOf(input.service);
      const ctx = probe(tenantOf(tenantId), input.channel, input.locale ?? 'fr');
      const run = await runForm(form, input.fields, { ctx, nlu: deps.nlu });
      return run.ok ? { ok: true, summary: run.summary } : run;
    },

    async file(tenantId, input, filedBy) {
      const form = formOf(input.service);
      const tenant = tenantOf(tenantId);
      const locale = input.locale ?? 'fr';
      const checked = await runForm(form, input.fields, {
        ctx: probe(tenant, input.channel, locale),
        nlu: deps.nlu,
      });
      if (!checked.ok) return checked;

      const contact = checked.values.contact as { kind?: unknown; value?: unknown } | undefined;
      const phone = contact?.kind === 'phone' && typeof contact.value === 'string' ? contact.value : null;
      const email = contact?.kind === 'email' && typeof contact.value === 'string' ? contact.value : null;
      const conversation = await deps.store.openConversation(
        phone
          ? { tenantId, channel: 'sms', address: phone }
          : { tenantId, channel: input.channel, address: `${input.channel}:${randomUUID()}` },
      );
      const ctx = contextFor(tenant, conversation, input.channel, locale);
      // The checked values, on the real conversation (submit records the request with its contact); the form
      // where the dialogue would leave it, confirmed. Nothing is looked up again (geocoder, reports nearby).
      ctx.state.form = {
        name: form.name,
        values: checked.values,
        pending: null,
        attempts: 0,
        confirming: true,
      };
      await form.submit(ctx, checked.payload as never);
      const reference = ctx.effects.requests[0]?.reference;
      if (!reference) {
        // A form that records nothing (a duplicate followed instead): its own words say what happened.
        const followed = ctx.effects.follows.length > 0;
        if (!followed) throw new GuichetError('CONFLICT', 'This form did not record a request');
      }
      const confirmation = ctx.replies.map(replyToPlainText);
      const text = confirmation.join('\n');
      let sms: DeskFiled['sms'] = 'none';
      let messages: MessageRecord[];
      const outbox = [...ctx.effects.outbox];
      if (phone) {
        const optedOut = await deps.optedOut(tenantId, conversation.contactId);
        const delivery = deliveryTo(
          conversation,
          { type: 'text', text },
          { direction: 'out', optedOut, viaOutbox: true },
        );
        messages = delivery.messages.map((m) => ({
          direction: m.direction,
          text: m.text,
          payload: m.payload,
        }));
        outbox.push(...delivery.outbox);
        sms = optedOut ? 'opted_out' : 'queued';
      } else {
        messages = confirmation.map((line) => ({ direction: 'out', text: line }));
      }
      if (email && reference)
        outbox.push({
          kind: 'notification',
          payload: {
            tenantId,
            channel: 'email',
            to: email,
            subject: `Votre demande ${reference} – ${tenant.name}`,
            text: `${text}\n\n${tenant.name}`,
          },
          dedupeKey: `notification:desk-receipt:${reference}`,
        });
      await deps.store.commitTurn({
        tenantId,
        conversationId: conversation.id,
        messages,
        requests: ctx.effects.requests,
        follows: ctx.effects.follows,
        outbox,
        actor: filedBy,
        // A desk conversation has nothing more to say; an SMS conversation stays as the citizen left it.
        ...(phone ? {} : { conversation: { status: 'closed' as const } }),
      });
      const followedReference = ctx.effects.outbox.find((o) => o.kind === 'request.followed')?.payload
        .reference;
      return {
        reference: reference ?? (typeof followedReference === 'string' ? followedReference : ''),
        confirmation,
        sms,
        email: email && reference ? 'queued' : 'none',
      };
    },
  };
}
