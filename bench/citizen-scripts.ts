// What a simulated citizen answers while reporting an incident, whatever the bot asks next: shared by the
// benchmark and the deployment test, so both drive the same dialogue.
export const REPORT_OPENING = 'il y a un nid de poule devant le 12 rue des Lilas';

export const REPORT_ANSWERS: [RegExp, string][] = [
  [/Est-ce correct|Je l.enregistre/i, 'oui'],
  [/d[ée]cri|description|pr[ée]cis/i, 'Un trou profond au milieu de la chaussée'],
  [/photo/i, 'non'],
  [/commune/i, 'Montcey-sur-Loue'],
  [/adresse|o[uù] se trouve|lieu/i, '12 rue des Lilas'],
  [/t[ée]l[ée]phone|contact|num[ée]ro|e-?mail|tenir inform/i, 'non'],
  [/d[ée]j[àa] [ée]t[ée] signal/i, 'non'],
];

/** The answer to the bot's last question in an incident report ('oui' to anything else). */
export function reportAnswer(lastReply: string): string {
  for (const [pattern, answer] of REPORT_ANSWERS) if (pattern.test(lastReply)) return answer;
  return 'oui';
}
