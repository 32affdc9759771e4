// The report form: category, place (address or shared position, geocoded), commune when the place does
// not tell it, "already reported nearby?", description, optional photo and contact. Submitting creates a
// 'report_incident' request routed to the competent authority, or subscribes the citizen to the existing one.
import { channelCapabilities } from '../../bot/channel-capabilities';
import type { FormDefinition, SlotDefinition, SlotInput, SlotValue } from '../../bot/forms/form-definition';
import { phrase } from '../../bot/i18n';
import type { TurnContext } from '../../bot/turn-context';
import { competentAuthority, type Territory } from '../../knowledge/territory';
import { territoryOf, type IntentDeps } from '../deps';
import { CATEGORY_LABELS, isIncidentCategory, territoryCategories } from '../common/incident-categories';
import { describeLocation, locate, pointOf, readLocation, type LocationValue, type Nearby } from './location';
import {
  DuplicateDecisionSchema,
  ReportIncidentFormSchema,
  ReportIncidentPayloadSchema,
  type ReportIncidentForm,
} from './payload';
import {
  CONTACT_LABEL,
  answering,
  communeChoices,
  communeName,
  extractCommuneId,
  extractContact,
  formatContact,
  onlyCommune,
} from '../common/slots';
import { addressFromMessage } from '../common/french-address';
import { fold } from '../common/text';

type Values = Record<string, SlotValue>;

const formValues = (ctx: TurnContext): Values | undefined => ctx.state.form?.values;

/** A changed place or category makes an earlier "already reported?" answer meaningless: ask again. */
function forgetDuplicateDecision(ctx: TurnContext): void {
  const values = formValues(ctx);
  if (values) delete values.duplicate;
}

/** The open report nearby with the same category, if any. */
function sameCategoryNearby(values: Values): Nearby | undefined {
  const loc = readLocation(values.location);
  const category = values.category;
  if (!loc || typeof category !== 'string') return undefined;
  return loc.nearby.find((n) => n.category === category);
}

function following(values: Values): boolean {
  const decision = DuplicateDecisionSchema.safeParse(values.duplicate);
  return decision.success && decision.data.follow;
}

/** The commune the report is in: the geocoded one wins over a chosen one (the address was corrected since). */
function communeOf(
  territory: Territory,
  form: Pick<ReportIncidentForm, 'location' | 'commune'>,
): string | undefined {
  return form.location.communeId ?? form.commune ?? onlyCommune(territory)?.id;
}

function looksLikeCorrectionOfAnotherSlot(input: SlotInput): boolean {
  return (
    /^\s*(non|no)\b/i.test(input.text) &&
    input.entities.some((e) => e.type === 'address' || e.type === 'category')
  );
}

export function reportIncidentForm(deps: IntentDeps): FormDefinition<typeof ReportIncidentFormSchema> {
  const category: SlotDefinition = {
    name: 'category',
    prompt: phrase(
      'Quel type de problème voulez-vous signaler ?',
      'What kind of problem would you like to report?',
    ),
    hint: phrase(
      'Choisissez une catégorie dans la liste, ou décrivez le problème en quelques mots (par exemple « lampadaire éteint »).',
      'Pick a category from the list, or describe the problem in a few words (for example "street light out").',
    ),
    label: phrase('Catégorie', 'Category'),
    choices: (ctx) =>
      territoryCategories(territoryOf(deps, ctx)).map((c) => ({
        label: ctx.t(CATEGORY_LABELS[c]),
        value: `category:${c}`,
      })),
    extract(input) {
      const chosen = input.choiceValue?.startsWith('category:')
        ? input.choiceValue.slice('category:'.length)
        : undefined;
      const value = chosen ?? input.entities.find((e) => e.type === 'category')?.value;
      if (!isIncidentCategory(value)) return undefined;
      if (formValues(input.ctx)?.category !== value) forgetDuplicateDecision(input.ctx);
      return value;
    },
    validate: (value, ctx) =>
      isIncidentCategory(value) && territoryCategories(territoryOf(deps, ctx)).includes(value)
        ? null
        : phrase(
            'Cette catégorie n’est pas prise en charge ici : choisissez-en une dans la liste.',
            'This category is not handled here: pick one from the list.',
          ),
    format: (value, ctx) => (isIncidentCategory(value) ? ctx.t(CATEGORY_LABELS[value]) : ''),
  };

  const location: SlotDefinition = {
    name: 'location',
    prompt: phrase(
      'Où se situe le problème ? Indiquez l’adresse (numéro et rue) ou partagez votre position.',
      'Where is the problem? Give the address (number and street) or share your location.',
    ),
    hint: phrase(
      'Indiquez une adresse, par exemple « 12 rue des Lilas », ou un repère précis (« place de la Mairie »).',
      'Give an address, for example "12 rue des Lilas", or a precise landmark ("place de la Mairie").',
    ),
    label: phrase('Lieu', 'Place'),
    requestsLocation: true,
    async extract(input) {
      const { ctx } = input;
      const territory = territoryOf(deps, ctx);
      const values = formValues(ctx) ?? {};
      const current = readLocation(values.location);
      const asked = answering(input, 'location') && !input.correcting;
      // Parsed (number, street, commune) so that the geocoder gets every part the citizen gave; a number alone
      // corrects the house number of the address given before.
      const given = input.location
        ? undefined
        : addressFromMessage(input, { communes: territory.communes, previousText: current?.addressText });
      const typed = asked && !input.location ? freeTextAddress(input) : undefined;
      const addressText = given?.text ?? typed;
      if (!input.location && !addressText) return undefined;
      if (!input.location && current?.addressText === addressText) return current;
      const communeId =
        given?.address?.communeId ??
        input.entities.find((e) => e.type === 'commune')?.value ??
        (typeof values.commune === 'string' ? values.commune : undefined) ??
        current?.communeId ??
        onlyCommune(territory)?.id;
      const next = await locate(deps.geocoder, ctx, territory, {
        addressText,
        point: input.location,
        communeId,
      });
      forgetDuplicateDecision(ctx);
      return next;
    },
    format: (value, ctx) => {
      const loc = readLocation(value);
      if (!loc) return '';
      if (loc.geocoding === 'shared' && !loc.label)
        return ctx.t(
          phrase(
            `position partagée (${loc.lat?.toFixed(5)}, ${loc.lon?.toFixed(5)})`,
            `shared location (${loc.lat?.toFixed(5)}, ${loc.lon?.toFixed(5)})`,
          ),
        );
      return describeLocation(loc, territoryOf(deps, ctx));
    },
  };

  const commune: SlotDefinition = {
    name: 'commune',
    prompt: phrase('Dans quelle commune se trouve ce lieu ?', 'In which town is this place?'),
    hint: phrase('Choisissez la commune dans la liste proposée.', 'Pick the town from the list.'),
    label: phrase('Commune', 'Town'),
    skipIf: (values, ctx) =>
      !!readLocation(values.location)?.communeId || !!onlyCommune(territoryOf(deps, ctx)),
    choices: (ctx) => communeChoices(territoryOf(deps, ctx)),
    async extract(input) {
      const territory = territoryOf(deps, input.ctx);
      const id = extractCommuneId(input, territory, 'commune');
      if (!id) return undefined;
      await relocateInCommune(input.ctx, territory, id);
      return id;
    },
    format: (value, ctx) => (typeof value === 'string' ? communeName(territoryOf(deps, ctx), value) : ''),
  };

  /** Knowing the commune, search the typed address again within it (the national search found nothing here). */
  async function relocateInCommune(ctx: TurnContext, territory: Territory, communeId: string): Promise<void> {
    const values = formValues(ctx);
    const loc = readLocation(values?.location);
    if (!values || !loc || loc.communeId === communeId) return;
    let next: LocationValue;
    if (loc.addressText && (loc.geocoding === 'not_found' || loc.geocoding === 'outside')) {
      next = await locate(deps.geocoder, ctx, territory, { addressText: loc.addressText, communeId });
    } else {
      // Shared position, or an API that was down a moment ago (the back office geocodes it later).
      next = { ...loc, communeId };
    }
    values.location = next;
    forgetDuplicateDecision(ctx);
  }

  const duplicate: SlotDefinition = {
    name: 'duplicate',
    prompt: phrase(
      'Ce problème a déjà été signalé à moins de 50 m de là. Voulez-vous être tenu informé de son traitement plutôt que de le signaler à nouveau ?',
      'This problem has already been reported less than 50 m from there. Would you like to be kept informed of its handling instead of reporting it again?',
    ),
    hint: phrase(
      'Répondez « oui » pour suivre le signalement existant, ou « non » s’il s’agit d’un autre problème.',
      'Answer "yes" to follow the existing report, or "no" if it is a different problem.',
    ),
    label: phrase('Signalement existant', 'Existing report'),
    skipIf: (values) => !sameCategoryNearby(values),
    choices: (ctx) => {
      const existing = sameCategoryNearby(formValues(ctx) ?? {});
      if (!existing) return [];
      return [
        {
          label: ctx.t(phrase(`Oui, suivre ${existing.reference}`, `Yes, follow ${existing.reference}`)),
          value: `follow:${existing.reference}`,
        },
        {
          label: ctx.t(phrase('Non, c’est un autre problème', 'No, it is a different problem')),
          value: 'new-report',
        },
      ];
    },
    extract(input) {
      if (!answering(input, 'duplicate')) return undefined;
      const existing = sameCategoryNearby(formValues(input.ctx) ?? {});
      if (!existing) return undefined;
      const yesNo = input.entities.find((e) => e.type === 'yes_no')?.value;
      if (input.choiceValue === `follow:${existing.reference}` || (!input.choiceValue && yesNo === 'yes'))
        return { follow: true, requestId: existing.id, reference: existing.reference };
      if (input.choiceValue === 'new-report' || (!input.choiceValue && yesNo === 'no'))
        return { follow: false };
      return undefined;
    },
    format: (value, ctx) => {
      const decision = DuplicateDecisionSchema.safeParse(value);
      if (!decision.success) return '';
      return decision.data.follow
        ? ctx.t(phrase(`suivre ${decision.data.reference}`, `follow ${decision.data.reference}`))
        : ctx.t(phrase('nouveau signalement', 'new report'));
    },
  };

  const description: SlotDefinition = {
    name: 'description',
    prompt: phrase('Décrivez le problème en quelques mots.', 'Describe the problem in a few words.'),
    hint: phrase(
      'Une phrase suffit, par exemple « trou profond sur la chaussée, dangereux pour les vélos ».',
      'One sentence is enough, for example "deep hole in the road, dangerous for bikes".',
    ),
    label: phrase('Description', 'Description'),
    skipIf: (values) => following(values),
    extract(input) {
      if (!input.asked || input.location || looksLikeCorrectionOfAnotherSlot(input)) return undefined;
      const text = input.text.trim();
      return text.length > 0 ? text : undefined;
    },
    validate: (value) => {
      const text = typeof value === 'string' ? value.trim() : '';
      if (text.length < 3 || /^(oui|non|ok|yes|no)$/i.test(fold(text)))
        return phrase(
          'Pouvez-vous décrire le problème en une phrase ?',
          'Could you describe the problem in one sentence?',
        );
      if (text.length > 1000)
        return phrase(
          'C’est un peu long : résumez en 1000 caractères au plus.',
          'That is a bit long: please keep it under 1000 characters.',
        );
      return null;
    },
  };

  const photo: SlotDefinition = {
    name: 'photo',
    optional: true,
    prompt: phrase(
      'Avez-vous une photo du problème ? Envoyez-la maintenant, ou répondez « non ».',
      'Do you have a photo of the problem? Send it now, or answer "no".',
    ),
    hint: phrase(
      'Joignez une image à votre message, ou répondez « non » pour continuer sans photo.',
      'Attach a picture to your message, or answer "no" to go on without one.',
    ),
    label: phrase('Photo', 'Photo'),
    skipIf: (values, ctx) => following(values) || !channelCapabilities(ctx.message.channel).receivesMedia,
    extract(input) {
      const media =
        input.media?.find((m) => !m.contentType || m.contentType.startsWith('image/')) ?? input.media?.[0];
      return media
        ? { url: media.url, ...(media.contentType ? { contentType: media.contentType } : {}) }
        : undefined;
    },
    format: (_value, ctx) => ctx.t(phrase('photo jointe', 'photo attached')),
  };

  const contact: SlotDefinition = {
    name: 'contact',
    optional: true,
    prompt: phrase(
      'Souhaitez-vous être informé du traitement ? Donnez un numéro de téléphone ou une adresse e-mail, ou répondez « non ».',
      'Would you like to be informed of the follow-up? Give a phone number or an e-mail address, or answer "no".',
    ),
    hint: phrase(
      'Un numéro comme 06 12 34 56 78, une adresse e-mail, ou « non ».',
      'A number such as 06 12 34 56 78, an e-mail address, or "no".',
    ),
    label: CONTACT_LABEL,
    // The citizen's identity is already a phone number (and typing an e-mail there is unrealistic).
    skipIf: (_values, ctx) => channelCapabilities(ctx.message.channel).phoneAddress,
    extract: extractContact,
    format: formatContact,
  };

  return {
    name: 'report_incident',
    intro: phrase('Je vais enregistrer votre signalement.', 'I will record your report.'),
    title: phrase('votre signalement', 'your report'),
    schema: ReportIncidentFormSchema,
    slots: [category, location, commune, duplicate, description, photo, contact],
    async submit(ctx, form) {
      const territory = territoryOf(deps, ctx);
      if (form.duplicate?.follow) {
        followExisting(ctx, form.duplicate.requestId, form.duplicate.reference, form);
        return;
      }
      await createReport(ctx, territory, form);
    },
  };
}

function followExisting(
  ctx: TurnContext,
  requestId: string,
  reference: string,
  form: ReportIncidentForm,
): void {
  ctx.effects.follows.push({ requestId, contactId: ctx.conversation.contactId });
  if (form.contact) {
    // How to reach this follower (the conversation's own channel is already known to the store).
    ctx.effects.outbox.push({
      kind: 'request.followed',
      payload: {
        tenantId: ctx.tenant.id,
        reference,
        contactId: ctx.conversation.contactId,
        contact: form.contact,
      },
      dedupeKey: `request.followed:${reference}:${ctx.conversation.contactId}`,
    });
  }
  ctx.text(
    phrase(
      `C’est noté : vous serez tenu informé du traitement du signalement ${reference}. Aucun nouveau signalement n’a été créé.`,
      `Noted: you will be kept informed of the handling of report ${reference}. No new report was created.`,
    ),
  );
}

async function createReport(ctx: TurnContext, territory: Territory, form: ReportIncidentForm): Promise<void> {
  const communeId = communeOf(territory, form);
  const authority =
    competentAuthority(territory, 'report_incident', communeId, form.category) ??
    competentAuthority(territory, 'report_incident', undefined, form.category);
  if (!authority) throw new Error(`No authority handles report_incident:${form.category} in ${territory.id}`);
  const loc = form.location;
  const payload = ReportIncidentPayloadSchema.parse({
    category: form.category,
    description: form.description,
    photo: form.photo,
    contact: form.contact,
    address:
      loc.addressText || loc.label
        ? { text: loc.addressText, label: loc.label, citycode: loc.citycode, postcode: loc.postcode }
        : undefined,
    geocoding: loc.geocoding,
  });
  const needsGeocoding = loc.geocoding === 'unavailable';
  const reference = await ctx.createRequest({
    type: 'report_incident',
    authorityId: authority.id,
    communeId,
    payload,
    location: pointOf(loc),
    addressText: loc.addressText,
    needsGeocoding,
  });
  const later = needsGeocoding
    ? phrase(' L’adresse sera localisée par nos services.', ' Our staff will locate the address.')
    : phrase('', '');
  ctx.text(
    phrase(
      `Votre signalement est enregistré sous la référence ${reference}. Il est transmis à : ${authority.name}.${later.fr} Gardez cette référence pour suivre son traitement.`,
      `Your report is registered under reference ${reference}. It has been sent to: ${authority.name}.${later.en} Keep this reference to follow it up.`,
    ),
  );
}

/** Free text given as the answer to "where?": kept when it reads like a place, not like a yes/no. */
function freeTextAddress(input: SlotInput): string | undefined {
  const text = input.text.trim();
  if (text.length < 3 || text.length > 300) return undefined;
  if (input.entities.some((e) => e.type === 'yes_no') && text.split(/\s+/).length <= 2) return undefined;
  return text;
}
