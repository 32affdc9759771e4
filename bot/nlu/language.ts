// Per-message language detection between French and English from function words and a few
// service words. French is the default: most traffic is French, and short SMS shorthand is French.
import type { Language } from './types';

const EN = new Set(
  `the a an is are was were be been am i you he she it we they my your our their me us him her them this that
  these those what when where which who whom whose why how there here do does did done don not no yes yeah yep
  can could would should will shall may might must have has had get got want wanted need needed like please
  thanks thank hello hi hey bye goodbye morning evening afternoon good great of to in on at for from with by
  about into over under and or but if then so just also any some all open opens opening opened closed closes close
  closing hours hour today tomorrow tonight monday tuesday wednesday thursday friday saturday sunday weekend
  town hall city library pool swimming tip dump recycling centre center waste rubbish trash litter bin
  street road light broken leak tree sign report problem request status check register registration school child
  kid son daughter card talk speak person human agent someone somebody real help cancel stop quit never mind
  forget anything else whats is there any see later cheers okay sure right wrong january february march
  april may june july august september october november december christmas easter`.split(/\s+/),
);

const FR = new Set(
  `le la les un une des du de au aux et ou est sont suis es etes sommes je tu il elle on nous vous ils elles mon
  ma mes ton ta tes son sa ses notre votre leur leurs ce cet cette ces qui que quoi quand comment pourquoi ou
  combien quel quelle quels quelles avec pour par sur sous dans chez sans pas plus ne ni mais donc car oui non
  bonjour bonsoir salut merci revoir bonne journee soiree voudrais veux voudrait souhaite aimerais peux pouvez
  faire fait savoir ai avez a y il ya horaires horaire ouvert ouverte ouvre ferme heure heures aujourdhui demain
  lundi mardi mercredi jeudi vendredi samedi dimanche mairie dechetterie mediatheque bibliotheque piscine rue
  signaler probleme demande dossier inscrire inscription ecole enfant fils fille carte parler agent conseiller
  personne humain aide aider annuler arreter laisse tomber stp svp si vous plait ca cest c est d l j qu n s m t`.split(
    /\s+/,
  ),
);

/** Words that exist in both languages and say nothing about which one is used. */
const SHARED = new Set(['a', 'on', 'me', 'son', 'agent', 'ok', 'stop', 'ou', 'est', 'is', 'client', 'pas']);

export function detectLanguage(raw: string, tokens: readonly string[]): Language {
  let fr = /[éèêàâçùûôîœ]/i.test(raw) ? 1.5 : 0;
  let en = 0;
  for (const t of tokens) {
    if (SHARED.has(t)) continue;
    if (FR.has(t)) fr += 1;
    if (EN.has(t)) en += 1;
  }
  return en > fr ? 'en' : 'fr';
}
