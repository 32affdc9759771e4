// Birth dates as citizens type them ("12/03/2021", "née le 12 mars 2021"), a person's age in the
// territory's time zone, and the "date of birth" slot every form asking for one uses.
import { DateTime } from 'luxon';
import type { SlotDefinition } from '../../bot/forms/form-definition';
import { phrase, type Phrase } from '../../bot/i18n';
import type { TurnContext } from '../../bot/turn-context';
import { answering } from './slots';

/** "12/03/2021", "12-03-2021", "12.03.21" → ISO date; the NLU date entity covers "12 mars 2021". */
export function parseNumericDate(text: string): string | undefined {
  const m = /\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b/.exec(text);
  if (!m) return undefined;
  const year = (m[3] ?? '').length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  const date = DateTime.fromObject({ year, month: Number(m[2]), day: Number(m[1]) });
  return date.isValid ? (date.toISODate() ?? undefined) : undefined;
}

/** Whole years between the birth date and `now`, in the territory's time zone. */
export function ageOn(birthDate: string, now: Date, timeZone: string): number | undefined {
  const birth = DateTime.fromISO(birthDate, { zone: timeZone });
  if (!birth.isValid) return undefined;
  return Math.floor(DateTime.fromJSDate(now, { zone: timeZone }).diff(birth, 'years').years);
}

/** "né le …", "naissance", "born": the message is about a birth date even when another question was asked. */
const ABOUT_BIRTH = /\bn[ée]e?\b|naissance|\bborn\b/i;

/**
 * A date-of-birth slot: a numeric date or the NLU's date entity, refused when unreadable or in the future;
 * `checkAge` adds the form's own rule (school ages), given the age in whole years.
 */
export function birthDateSlot(options: {
  name?: string;
  prompt: Phrase;
  checkAge?: (age: number, ctx: TurnContext) => Phrase | null;
}): SlotDefinition {
  const name = options.name ?? 'birthDate';
  return {
    name,
    prompt: options.prompt,
    hint: phrase(
      'Indiquez la date sous la forme jour/mois/année, par exemple 12/03/2021.',
      'Give the date as day/month/year, for example 12/03/2021.',
    ),
    label: phrase('Date de naissance', 'Date of birth'),
    extract: (input) => {
      if (!answering(input, name) && !ABOUT_BIRTH.test(input.text)) return undefined;
      return parseNumericDate(input.text) ?? input.entities.find((e) => e.type === 'date')?.value;
    },
    validate: (value, ctx) => {
      const age = typeof value === 'string' ? ageOn(value, ctx.now, ctx.tenant.timeZone) : undefined;
      if (age === undefined)
        return phrase('Je n’ai pas reconnu cette date.', 'I did not recognise this date.');
      if (age < 0)
        return phrase(
          'Cette date est dans le futur : indiquez la date de naissance (jour/mois/année).',
          'This date is in the future: give the date of birth (day/month/year).',
        );
      return options.checkAge?.(age, ctx) ?? null;
    },
    format: (value) => (typeof value === 'string' ? DateTime.fromISO(value).toFormat('dd/MM/yyyy') : ''),
  };
}
