// Library (médiathèque) registration: who (one or several people), which pricing, a contact. The request
// goes to the authority competent for library_registration (often the intercommunalité).
import type { FormDefinition, SlotDefinition, SlotValue } from '../../bot/forms/form-definition';
import { ofName } from '../../bot/french';
import { phrase } from '../../bot/i18n';
import type { TurnContext } from '../../bot/turn-context';
import { competentAuthority, type LibraryInfo, type Territory } from '../../knowledge/territory';
import { territoryOf, type IntentDeps } from '../deps';
import { fullName, parseNameList } from '../common/person-name';
import { answering, communeSlot, contactSlot, onlyCommune } from '../common/slots';
import { fold } from '../common/text';
import { MAX_ADHERENTS, countAdherents } from './adherents';
import {
  AdherentNamesSchema,
  AdherentsValueSchema,
  LibraryRegistrationFormSchema,
  LibraryRegistrationPayloadSchema,
  PricingValueSchema,
  pricingSlotName,
  type LibraryRegistrationForm,
  type PricingValue,
} from './payload';

const libraryOf = (deps: IntentDeps, ctx: TurnContext): LibraryInfo | undefined =>
  territoryOf(deps, ctx).library;

const priceText = (price: number): string => (price === 0 ? 'gratuit' : `${price} € par an`);
const priceTextEn = (price: number): string => (price === 0 ? 'free' : `€${price} a year`);

/** The pricing line the text names: most words of its label in common (e.g. "hors territoire"), or "gratuit". */
function matchPricing(library: LibraryInfo, text: string): number | undefined {
  const f = fold(text);
  const words = new Set(f.split(/[^a-z0-9]+/).filter((w) => w.length >= 4));
  const scores = library.pricing.map((p, i) => {
    const labelWords = fold(p.label)
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length >= 4);
    let score = labelWords.filter((w) => words.has(w)).length;
    if (p.price === 0 && /\b(gratuit|free)\b/.test(f)) score += 2;
    if (p.price > 0 && new RegExp(`\\b${p.price}\\b`).test(f)) score += 2;
    return { i, score };
  });
  const best = Math.max(...scores.map((s) => s.score));
  const top = scores.filter((s) => s.score === best);
  return best > 0 && top.length === 1 ? top[0]?.i : undefined;
}

/** Names given after a head count win over the (empty) list of the first answer. */
const namesOf = (form: LibraryRegistrationForm): string[] =>
  form.adherentNames?.names ?? form.adherents.names;

/** The same, from the answers of a form in progress. */
function namesOfValues(values: Record<string, SlotValue>): string[] {
  const later = AdherentNamesSchema.safeParse(values.adherentNames).data?.names;
  return later ?? AdherentsValueSchema.safeParse(values.adherents).data?.names ?? [];
}

/** False when the text names another of the people registered than the n-th (by first name). */
function namedHere(text: string, names: readonly string[], n: number): boolean {
  const words = new Set(fold(text).split(/[^a-z0-9'-]+/));
  const named = names
    .map((full, i) => ({ i, first: fold(full.split(' ')[0] ?? '') }))
    .filter((p) => words.has(p.first));
  return named.length === 0 || named.some((p) => p.i === n - 1);
}

const headCount = (values: Record<string, SlotValue>): number =>
  AdherentsValueSchema.safeParse(values.adherents).data?.count ?? 1;

/** The tariffs chosen so far, person by person. */
function pricingLines(values: Record<string, SlotValue>): PricingValue[] {
  const lines: PricingValue[] = [];
  for (let n = 1; n <= headCount(values); n++) {
    const line = PricingValueSchema.safeParse(values[pricingSlotName(n)]).data;
    if (line) lines.push(line);
  }
  return lines;
}

export function libraryRegistrationForm(
  deps: IntentDeps,
): FormDefinition<typeof LibraryRegistrationFormSchema> {
  const adherents: SlotDefinition = {
    name: 'adherents',
    prompt: phrase(
      'Qui souhaitez-vous inscrire ? Donnez le prénom et le nom de chaque personne (par exemple « Marie Durand et Léo Durand »).',
      'Who would you like to register? Give the first and last name of each person (for example "Marie Durand and Léo Durand").',
    ),
    hint: phrase(
      'Écrivez les noms séparés par des virgules, ou dites combien de personnes (par exemple « moi et mes 2 enfants »).',
      'Write the names separated by commas, or say how many people (for example "me and my 2 children").',
    ),
    label: phrase('Personnes à inscrire', 'People to register'),
    extract(input) {
      const count = countAdherents(input.text);
      if (count !== undefined) return { count, names: [] };
      if (!answering(input, 'adherents')) return undefined;
      const people = parseNameList(input.text, MAX_ADHERENTS + 1);
      return people ? { count: people.length, names: people.map(fullName) } : undefined;
    },
    validate: (value) => {
      const parsed = AdherentsValueSchema.safeParse(value);
      return parsed.success
        ? null
        : phrase(
            `Je peux inscrire jusqu’à ${MAX_ADHERENTS} personnes à la fois. Pour un groupe plus grand, adressez-vous à l’accueil de la médiathèque.`,
            `I can register up to ${MAX_ADHERENTS} people at once. For a larger group, please ask at the library desk.`,
          );
    },
    format: (value, ctx) => {
      const parsed = AdherentsValueSchema.safeParse(value);
      if (!parsed.success) return '';
      if (parsed.data.names.length > 0) return parsed.data.names.join(', ');
      return ctx.t(
        phrase(
          `${parsed.data.count} personne${parsed.data.count > 1 ? 's' : ''}`,
          `${parsed.data.count} ${parsed.data.count > 1 ? 'people' : 'person'}`,
        ),
      );
    },
  };

  const adherentNames: SlotDefinition = {
    name: 'adherentNames',
    prompt: phrase(
      'Donnez le prénom et le nom de chaque personne à inscrire, séparés par des virgules.',
      'Give the first and last name of each person to register, separated by commas.',
    ),
    hint: phrase(
      'Par exemple « Marie Durand, Léo Durand, Emma Durand ».',
      'For example "Marie Durand, Léo Durand, Emma Durand".',
    ),
    label: phrase('Noms', 'Names'),
    skipIf: (values) => {
      const known = AdherentsValueSchema.safeParse(values.adherents);
      return !known.success || known.data.names.length > 0;
    },
    extract(input) {
      if (!answering(input, 'adherentNames')) return undefined;
      const people = parseNameList(input.text, MAX_ADHERENTS);
      return people ? { names: people.map(fullName) } : undefined;
    },
    validate: (value, ctx) => {
      const expected = AdherentsValueSchema.safeParse(ctx.state.form?.values.adherents).data?.count;
      const given = AdherentNamesSchema.safeParse(value).data?.names.length ?? 0;
      if (expected === undefined || given === expected) return null;
      return phrase(
        `Vous aviez indiqué ${expected} personne${expected > 1 ? 's' : ''} : donnez ${expected} nom${expected > 1 ? 's' : ''} (prénom et nom), séparés par des virgules.`,
        `You said ${expected} ${expected > 1 ? 'people' : 'person'}: give ${expected} name${expected > 1 ? 's' : ''} (first and last), separated by commas.`,
      );
    },
    format: (value) => AdherentNamesSchema.safeParse(value).data?.names.join(', ') ?? '',
  };

  /** The tariff of the n-th person (1-based): asked per person when several are registered. */
  const pricingSlot = (n: number): SlotDefinition => ({
    name: pricingSlotName(n),
    prompt: (_ctx, values) => {
      const names = namesOfValues(values);
      const who = names[n - 1];
      if (names.length <= 1 || !who)
        return phrase('Quel tarif correspond à votre situation ?', 'Which price applies to you?');
      return phrase(
        `Quel tarif pour ${who} ? (personne ${n} sur ${names.length})`,
        `Which price for ${who}? (person ${n} of ${names.length})`,
      );
    },
    hint: phrase(
      'Choisissez un tarif dans la liste ; il sera vérifié sur justificatif.',
      'Pick a price from the list; it will be checked against proof.',
    ),
    label: (_ctx, values) => {
      const names = namesOfValues(values);
      const who = names[n - 1];
      return names.length > 1 && who
        ? phrase(`Tarif ${ofName(who)}`, `Price for ${who}`)
        : phrase('Tarif', 'Price');
    },
    // Person n exists once the head count says so; a new list of people asks every tariff again.
    skipIf: n === 1 ? undefined : (values) => headCount(values) < n,
    dependsOn: ['adherents', 'adherentNames'],
    choices: (ctx) =>
      (libraryOf(deps, ctx)?.pricing ?? []).map((p, i) => ({
        label: ctx.t(phrase(`${p.label} — ${priceText(p.price)}`, `${p.label} — ${priceTextEn(p.price)}`)),
        value: `pricing:${i}`,
      })),
    extract(input) {
      const library = libraryOf(deps, input.ctx);
      if (!library) return undefined;
      const name = pricingSlotName(n);
      // A click counts for the question asked only: several tariff questions offer the same buttons.
      const pending = input.ctx.state.form?.pending;
      const clicked =
        input.choiceValue?.startsWith('pricing:') && (pending === name || (!pending && n === 1))
          ? Number(input.choiceValue.slice('pricing:'.length))
          : undefined;
      // "non, Paul a moins de 18 ans": a correction naming someone is for that person's tariff only.
      if (input.correcting && !namedHere(input.text, namesOfValues(input.ctx.state.form?.values ?? {}), n))
        return undefined;
      const index = clicked ?? (answering(input, name) ? matchPricing(library, input.text) : undefined);
      const line = index === undefined ? undefined : library.pricing[index];
      return line && index !== undefined ? { index, label: line.label, price: line.price } : undefined;
    },
    format: (value, ctx) => {
      const parsed = PricingValueSchema.safeParse(value);
      return parsed.success
        ? ctx.t(
            phrase(
              `${parsed.data.label} (${priceText(parsed.data.price)})`,
              `${parsed.data.label} (${priceTextEn(parsed.data.price)})`,
            ),
          )
        : '';
    },
  });
  const pricing = Array.from({ length: MAX_ADHERENTS }, (_, i) => pricingSlot(i + 1));

  // Only when the competent authority depends on the commune (each town runs its own library).
  const commune = communeSlot((ctx) => territoryOf(deps, ctx), {
    prompt: phrase('Dans quelle commune habitez-vous ?', 'In which town do you live?'),
    skipIf: (_values, ctx) => {
      const territory = territoryOf(deps, ctx);
      return !!onlyCommune(territory) || !!competentAuthority(territory, 'library_registration');
    },
  });

  const contact = contactSlot(
    'contact',
    phrase(
      'Comment vous joindre pour préparer la carte ? Donnez un numéro de téléphone ou une adresse e-mail.',
      'How can we reach you to prepare the card? Give a phone number or an e-mail address.',
    ),
  );

  return {
    name: 'library_registration',
    intro: phrase(
      'Je vais enregistrer votre demande d’inscription à la médiathèque.',
      'I will record your library registration request.',
    ),
    title: phrase('l’inscription à la médiathèque', 'the library registration'),
    schema: LibraryRegistrationFormSchema,
    slots: [adherents, adherentNames, ...pricing, commune, contact],
    // What a clerk tells a family: the yearly total of the tariffs per person.
    summaryLines(values, ctx) {
      const lines = pricingLines(values);
      if (lines.length <= 1) return [];
      const total = lines.reduce((sum, l) => sum + l.price, 0);
      return [
        {
          label: ctx.t(phrase('Total', 'Total')),
          value: ctx.t(phrase(priceText(total), priceTextEn(total))),
        },
      ];
    },
    redirect(ctx) {
      if (libraryOf(deps, ctx)) return false;
      const territory = territoryOf(deps, ctx);
      ctx.text(
        phrase(
          `Je ne peux pas enregistrer d’inscription à la médiathèque ici. Contactez l’accueil au ${territory.contact.phone}.`,
          `I cannot record library registrations here. Please call us on ${territory.contact.phone}.`,
        ),
      );
      return true;
    },
    async submit(ctx, form) {
      await register(ctx, territoryOf(deps, ctx), form);
    },
  };
}

async function register(
  ctx: TurnContext,
  territory: Territory,
  form: LibraryRegistrationForm,
): Promise<void> {
  const library = territory.library;
  if (!library) throw new Error(`Library content missing for ${territory.id}`);
  const names = namesOf(form);
  const tariffs = names.map((_, i) => {
    const chosen = i === 0 ? form.pricing : form[pricingSlotName(i + 1) as keyof LibraryRegistrationForm];
    const line = library.pricing[PricingValueSchema.parse(chosen).index];
    if (!line) throw new Error(`Library pricing changed for ${territory.id}`);
    return line;
  });
  const communeId = form.commune ?? onlyCommune(territory)?.id;
  const authority = competentAuthority(territory, 'library_registration', communeId);
  if (!authority)
    throw new Error(`No authority handles library_registration in ${communeId ?? territory.id}`);
  const total = tariffs.reduce((sum, t) => sum + t.price, 0);
  const same = tariffs.every((t) => t === tariffs[0]) ? tariffs[0] : undefined;
  const payload = LibraryRegistrationPayloadSchema.parse({
    adherents: names.map((name, i) => ({
      name,
      pricing: { label: tariffs[i]!.label, price: tariffs[i]!.price, conditions: tariffs[i]!.conditions },
    })),
    ...(same ? { pricing: { label: same.label, price: same.price, conditions: same.conditions } } : {}),
    total,
    contact: form.contact,
    documents: library.documents,
  });
  const reference = await ctx.createRequest({
    type: 'library_registration',
    authorityId: authority.id,
    communeId,
    payload,
  });
  const who = names.join(', ');
  const conditions = (t: { conditions: string }) => (t.conditions ? ` (${t.conditions})` : '');
  const priceFr = same
    ? `Tarif : ${same.label}, ${priceText(same.price)}${conditions(same)}${names.length > 1 ? ` par personne, soit ${priceText(total)} au total` : ''}.`
    : `Tarifs : ${names.map((n, i) => `${n} : ${tariffs[i]!.label}, ${priceText(tariffs[i]!.price)}`).join(' ; ')}. Total : ${priceText(total)}.`;
  const priceEn = same
    ? `Price: ${same.label}, ${priceTextEn(same.price)}${conditions(same)}${names.length > 1 ? ` per person, ${priceTextEn(total)} in total` : ''}.`
    : `Prices: ${names.map((n, i) => `${n}: ${tariffs[i]!.label}, ${priceTextEn(tariffs[i]!.price)}`).join('; ')}. Total: ${priceTextEn(total)}.`;
  ctx.text(
    phrase(
      `La demande d’inscription à la médiathèque (${who}) est enregistrée sous la référence ${reference}. Elle est transmise à : ${authority.name}. ${priceFr}`,
      `The library registration request (${who}) is registered under reference ${reference}. It has been sent to: ${authority.name}. ${priceEn}`,
    ),
  );
  if (library.documents.length > 0) {
    const list = library.documents.map((d) => `- ${d}`).join('\n');
    ctx.text(
      phrase(
        `Pour retirer la carte, présentez à l’accueil :\n${list}`,
        `To collect the card, bring to the desk:\n${list}`,
      ),
    );
  }
}
