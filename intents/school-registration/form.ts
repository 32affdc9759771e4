// School registration (maternelle and élémentaire): child's name, birth date, level, address (which
// names the sector school), parent contact. Collège and lycée are not the commune's: the citizen is
// told where to go and no request is created.
import type { FormDefinition, SlotDefinition, SlotInput, SlotValue } from '../../bot/forms/form-definition';
import { phrase, type Phrase } from '../../bot/i18n';
import type { TurnContext } from '../../bot/turn-context';
import { competentAuthority, type SchoolInfo, type Territory } from '../../knowledge/territory';
import { territoryOf, type IntentDeps } from '../deps';
import { birthDateSlot } from '../common/birth-date';
import { addressFromMessage, formatFrenchAddress } from '../common/french-address';
import { personNameSlot } from '../common/person-name';
import { answering, communeName, communeSlot, contactSlot, onlyCommune } from '../common/slots';
import {
  ChildSchema,
  LevelCheckSchema,
  SchoolAddressSchema,
  SchoolRegistrationFormSchema,
  SchoolRegistrationPayloadSchema,
  type SchoolRegistrationForm,
} from './payload';
import {
  MAX_AGE,
  MIN_AGE,
  communesServingStreet,
  findLevel,
  levelAge,
  levelMismatch,
  mentionsSecondary,
  sectorSchool,
} from './school-rules';

const SECONDARY_LEVEL = 'secondary';
const KEEP_LEVEL = 'level-check:keep';
const FIX_BIRTH = 'level-check:birth';

/** "oui", "non merci": an answer to another question, never an address. */
const bareYesNo = (input: SlotInput): boolean =>
  input.entities.some((e) => e.type === 'yes_no') && input.text.trim().split(/\s+/).length <= 2;

function schoolOf(deps: IntentDeps, ctx: TurnContext): SchoolInfo | undefined {
  return territoryOf(deps, ctx).school;
}

const secondaryInfo = (school: SchoolInfo): Phrase =>
  phrase(
    `${school.collegeLyceeInfo.text} Plus d’informations : ${school.collegeLyceeInfo.url}`,
    `${school.collegeLyceeInfo.text} More information: ${school.collegeLyceeInfo.url}`,
  );

function communeOf(
  territory: Territory,
  form: Pick<SchoolRegistrationForm, 'address' | 'commune'>,
): string | undefined {
  return form.address.communeId ?? form.commune ?? onlyCommune(territory)?.id;
}

export function schoolRegistrationForm(
  deps: IntentDeps,
): FormDefinition<typeof SchoolRegistrationFormSchema> {
  const child = personNameSlot({
    name: 'child',
    prompt: phrase(
      'Quels sont le prénom et le nom de l’enfant ?',
      'What are the child’s first and last names?',
    ),
    label: phrase('Enfant', 'Child'),
  });

  const birthDate = birthDateSlot({
    prompt: phrase(
      'Quelle est sa date de naissance ? (par exemple 12/03/2021)',
      'What is the child’s date of birth? (for example 12/03/2021)',
    ),
    checkAge: (age, ctx) => {
      if (age < MIN_AGE)
        return phrase(
          `L’école accueille les enfants à partir de ${MIN_AGE} ou 3 ans. Vérifiez la date de naissance (jour/mois/année).`,
          `School starts at ${MIN_AGE} or 3 years old. Please check the date of birth (day/month/year).`,
        );
      if (age > MAX_AGE) {
        const school = schoolOf(deps, ctx);
        return phrase(
          `À ${age} ans, l’enfant va au collège, qui n’est pas géré par la mairie. ${school ? school.collegeLyceeInfo.text : ''} Si la date est erronée, indiquez-la à nouveau.`,
          `At ${age}, the child goes to collège, which the town hall does not handle. ${school ? school.collegeLyceeInfo.text : ''} If the date is wrong, give it again.`,
        );
      }
      return null;
    },
  });

  const level: SlotDefinition = {
    name: 'level',
    prompt: phrase('En quelle classe souhaitez-vous l’inscrire ?', 'Which class should the child join?'),
    hint: phrase(
      'Choisissez la classe dans la liste, de la petite section au CM2.',
      'Pick the class from the list, from "petite section" to CM2.',
    ),
    label: phrase('Classe', 'Class'),
    choices: (ctx) =>
      (schoolOf(deps, ctx)?.levels ?? []).map((l) => ({ label: l.label, value: `level:${l.id}` })),
    extract: (input) => {
      const school = schoolOf(deps, input.ctx);
      if (!school) return undefined;
      if (input.choiceValue?.startsWith('level:')) return input.choiceValue.slice('level:'.length);
      // Unasked, only "en CP" / "en petite section" counts: a bare "ms" in a sentence is not a class.
      if (!answering(input, 'level')) return findLevel(school.levels, input.text, { afterEn: true })?.id;
      if (mentionsSecondary(input.text)) return SECONDARY_LEVEL;
      return findLevel(school.levels, input.text)?.id;
    },
    validate: (value, ctx) => {
      const school = schoolOf(deps, ctx);
      if (!school) return null;
      if (value === SECONDARY_LEVEL) return secondaryInfo(school);
      const chosen = school.levels.find((l) => l.id === value);
      if (!chosen)
        return phrase(
          'Cette classe n’existe pas ici : choisissez-la dans la liste.',
          'This class does not exist here: pick one from the list.',
        );
      // A class that does not fit the age is not refused: the next question asks to confirm it (levelCheck).
      return null;
    },
    format: (value, ctx) => schoolOf(deps, ctx)?.levels.find((l) => l.id === value)?.label ?? '',
  };

  /** The class chosen, when it is not the one the child's year of birth gives at the next rentrée. */
  function mismatchOf(values: Record<string, SlotValue>, ctx: TurnContext) {
    const school = schoolOf(deps, ctx);
    const chosen = school?.levels.find((l) => l.id === values.level);
    const birth = values.birthDate;
    if (!school || !chosen || typeof birth !== 'string') return undefined;
    const mismatch = levelMismatch(school, chosen, birth, ctx.now, ctx.tenant.timeZone);
    return mismatch && { ...mismatch, chosen };
  }

  const levelCheck: SlotDefinition = {
    name: 'levelCheck',
    dependsOn: ['level', 'birthDate'],
    prompt: (ctx, values) => {
      const m = mismatchOf(values, ctx);
      if (!m) return phrase('', '');
      const name = ChildSchema.safeParse(values.child).data?.firstName;
      const usual = levelAge(m.chosen);
      const fr = m.expected
        ? `Avec une naissance en ${m.birthYear}, ${name ?? 'l’enfant'} entre normalement en ${m.expected.label} à la rentrée ${m.rentree}`
        : `À la rentrée ${m.rentree}, aucune classe proposée ici ne correspond à un enfant né en ${m.birthYear}`;
      const en = m.expected
        ? `${name ?? 'The child'}, born in ${m.birthYear}, would normally enter ${m.expected.label} at the ${m.rentree} school year`
        : `At the ${m.rentree} school year, no class offered here fits a child born in ${m.birthYear}`;
      const chosenFr = usual
        ? ` ; la classe ${m.chosen.label} accueille les enfants nés en ${m.rentree - usual}`
        : '';
      const chosenEn = usual ? `; ${m.chosen.label} is for children born in ${m.rentree - usual}` : '';
      return phrase(
        `${fr}${chosenFr}. Voulez-vous maintenir la demande en ${m.chosen.label} ? La mairie examinera cette dérogation.`,
        `${en}${chosenEn}. Do you want to keep the request for ${m.chosen.label}? The town hall will review this exception.`,
      );
    },
    hint: phrase(
      'Répondez « oui » pour maintenir la classe choisie, ou choisissez une autre classe, ou corrigez la date de naissance.',
      'Answer "yes" to keep the chosen class, or pick another class, or correct the date of birth.',
    ),
    label: phrase('Classe hors âge', 'Class outside the usual age'),
    skipIf: (values, ctx) => !mismatchOf(values, ctx),
    choices: (ctx) => {
      const m = mismatchOf(ctx.state.form?.values ?? {}, ctx);
      if (!m) return [];
      return [
        {
          label: ctx.t(phrase(`Oui, maintenir ${m.chosen.label}`, `Yes, keep ${m.chosen.label}`)),
          value: KEEP_LEVEL,
        },
        ...(m.expected
          ? [
              {
                label: ctx.t(phrase(`Inscrire en ${m.expected.label}`, `Register for ${m.expected.label}`)),
                value: `level:${m.expected.id}`,
              },
            ]
          : []),
        {
          label: ctx.t(phrase('Corriger la date de naissance', 'Correct the date of birth')),
          value: FIX_BIRTH,
        },
      ];
    },
    extract(input) {
      if (!answering(input, 'levelCheck')) return undefined;
      const values = input.ctx.state.form?.values;
      const school = schoolOf(deps, input.ctx);
      if (!values || !school) return undefined;
      const m = mismatchOf(values, input.ctx);
      const yesNo = input.choiceValue ? undefined : input.entities.find((e) => e.type === 'yes_no')?.value;
      if (m && (input.choiceValue === KEEP_LEVEL || yesNo === 'yes'))
        return { level: m.chosen.id, ...(m.expected ? { expected: m.expected.id } : {}), rentree: m.rentree };
      if (input.choiceValue === FIX_BIRTH) {
        delete values.birthDate;
        return undefined;
      }
      const other = input.choiceValue?.startsWith('level:')
        ? school.levels.find((l) => `level:${l.id}` === input.choiceValue)
        : findLevel(school.levels, input.text);
      if (other) {
        values.level = other.id;
        // The new class fits: nothing to confirm; it does not either: the question is asked about it.
        return mismatchOf(values, input.ctx) ? undefined : null;
      }
      if (yesNo === 'no') delete values.level;
      return undefined;
    },
    format: (value, ctx) => {
      const kept = LevelCheckSchema.safeParse(value).data;
      const label = kept && schoolOf(deps, ctx)?.levels.find((l) => l.id === kept.level)?.label;
      return label
        ? ctx.t(
            phrase(
              `${label} demandé malgré l’âge (dérogation)`,
              `${label} requested despite the age (exception)`,
            ),
          )
        : '';
    },
  };

  const address: SlotDefinition = {
    name: 'address',
    prompt: phrase(
      'Quelle est votre adresse ? Elle détermine l’école de secteur.',
      'What is your address? It decides the catchment school.',
    ),
    hint: phrase(
      'Indiquez le numéro et la rue, par exemple « 3 rue du Moulin ».',
      'Give the number and street, for example "3 rue du Moulin".',
    ),
    label: phrase('Adresse', 'Address'),
    extract: (input) => {
      const territory = territoryOf(deps, input.ctx);
      const before = SchoolAddressSchema.safeParse(input.ctx.state.form?.values.address).data;
      // Number, street and commune read apart ("2 grande rue st ambreuil"); a number alone corrects the number.
      const given = addressFromMessage(input, { communes: territory.communes, previousText: before?.text });
      const text = given?.address
        ? formatFrenchAddress({ ...given.address, communeName: undefined, postcode: undefined })
        : (given?.text ?? (input.asked && !bareYesNo(input) ? input.text.trim() : undefined));
      if (!text || text.length < 3) return undefined;
      const named = given?.address?.communeId ?? input.entities.find((e) => e.type === 'commune')?.value;
      const byStreet = territory.school ? communesServingStreet(territory.school, text) : [];
      // A corrected street is most likely in the same commune as before ("non, c'est rue Pasteur").
      const previous = SchoolAddressSchema.safeParse(input.ctx.state.form?.values.address).data?.communeId;
      const communeId =
        named ?? (byStreet.length === 1 ? byStreet[0] : undefined) ?? previous ?? onlyCommune(territory)?.id;
      return { text: text.slice(0, 300), ...(communeId ? { communeId } : {}) };
    },
    format: (value, ctx) => {
      const parsed = SchoolAddressSchema.safeParse(value);
      if (!parsed.success) return '';
      const territory = territoryOf(deps, ctx);
      const commune = communeName(territory, parsed.data.communeId);
      return commune ? `${parsed.data.text}, ${commune}` : parsed.data.text;
    },
  };

  const commune = communeSlot((ctx) => territoryOf(deps, ctx), {
    prompt: phrase('Dans quelle commune habitez-vous ?', 'In which town do you live?'),
    skipIf: (values, ctx) =>
      !!SchoolAddressSchema.safeParse(values.address).data?.communeId ||
      !!onlyCommune(territoryOf(deps, ctx)),
  });

  const guardian = personNameSlot({
    name: 'guardian',
    prompt: phrase(
      'Quels sont le prénom et le nom du parent ou du responsable légal ?',
      'What are the first and last names of the parent or legal guardian?',
    ),
    label: phrase('Responsable légal', 'Parent or guardian'),
  });

  const parentContact = contactSlot(
    'parentContact',
    phrase(
      'Comment joindre le parent ou le responsable légal ? Donnez un numéro de téléphone ou une adresse e-mail.',
      'How can we reach the parent or legal guardian? Give a phone number or an e-mail address.',
    ),
  );

  return {
    name: 'school_registration',
    intro: phrase(
      'Je vais enregistrer votre demande d’inscription scolaire.',
      'I will record your school registration request.',
    ),
    title: phrase('l’inscription scolaire', 'the school registration'),
    schema: SchoolRegistrationFormSchema,
    slots: [child, birthDate, level, levelCheck, address, commune, guardian, parentContact],
    redirect(ctx) {
      const school = schoolOf(deps, ctx);
      if (!school) {
        const territory = territoryOf(deps, ctx);
        ctx.text(
          phrase(
            `Je ne peux pas enregistrer d’inscription scolaire ici. Contactez l’accueil au ${territory.contact.phone}.`,
            `I cannot record school registrations here. Please call us on ${territory.contact.phone}.`,
          ),
        );
        return true;
      }
      if (!mentionsSecondary(ctx.message.text)) return false;
      ctx.reply({
        type: 'link',
        text: ctx.t(phrase(school.collegeLyceeInfo.text, school.collegeLyceeInfo.text)),
        url: school.collegeLyceeInfo.url,
      });
      ctx.text(
        phrase(
          'Ici, je peux inscrire un enfant en maternelle ou en élémentaire (de la petite section au CM2).',
          'Here I can register a child in nursery or primary school (from "petite section" to CM2).',
        ),
      );
      return true;
    },
    async submit(ctx, form) {
      const territory = territoryOf(deps, ctx);
      const school = territory.school;
      const chosen = school?.levels.find((l) => l.id === form.level);
      if (!school || !chosen) throw new Error(`School content missing for ${territory.id}`);
      const communeId = communeOf(territory, form);
      const authority = competentAuthority(territory, 'school_registration', communeId);
      if (!authority)
        throw new Error(`No authority handles school_registration in ${communeId ?? territory.id}`);
      const sector = communeId ? sectorSchool(school, communeId, form.address.text, chosen.cycle) : undefined;
      const payload = SchoolRegistrationPayloadSchema.parse({
        child: { ...form.child, birthDate: form.birthDate },
        level: {
          id: chosen.id,
          label: chosen.label,
          cycle: chosen.cycle,
          ...(form.levelCheck
            ? { exception: true, rentree: form.levelCheck.rentree, expected: form.levelCheck.expected }
            : {}),
        },
        guardian: form.guardian,
        address: { text: form.address.text },
        school: sector?.schoolName,
        parentContact: form.parentContact,
        documents: school.documents,
      });
      const reference = await ctx.createRequest({
        type: 'school_registration',
        authorityId: authority.id,
        communeId,
        payload,
        addressText: form.address.text,
      });
      const sectorLine = sector
        ? phrase(` École de secteur : ${sector.schoolName}.`, ` Catchment school: ${sector.schoolName}.`)
        : phrase(
            ' La mairie vous indiquera l’école de secteur.',
            ' The town hall will tell you the catchment school.',
          );
      ctx.text(
        phrase(
          `La demande d’inscription de ${form.child.firstName} en ${chosen.label} est enregistrée sous la référence ${reference}. Elle est transmise à : ${authority.name}.${sectorLine.fr}`,
          `The registration request for ${form.child.firstName} (${chosen.label}) is registered under reference ${reference}. It has been sent to: ${authority.name}.${sectorLine.en}`,
        ),
      );
      if (school.documents.length > 0) {
        const list = school.documents.map((d) => `- ${d}`).join('\n');
        ctx.text(phrase(`Documents à fournir :\n${list}`, `Documents to provide:\n${list}`));
      }
    },
  };
}
