// French first, English second: every user-facing sentence is written as a pair.
export type Locale = 'fr' | 'en';
export interface Phrase {
  fr: string;
  en: string;
}
export const phrase = (fr: string, en: string): Phrase => ({ fr, en });
export const say = (p: Phrase, locale: Locale): string => (locale === 'en' ? p.en : p.fr);
