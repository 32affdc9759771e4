import { smsSegments } from './gsm7';
import { isMoreRequest, paginate } from './sms-pages';

describe('isMoreRequest', () => {
  it('recognises "SUITE" however it is typed, and "+"', () => {
    for (const body of ['SUITE', 'suite', ' Suite ! ', 'la suite', '+', 'more'])
      expect(isMoreRequest(body)).toBe(true);
  });

  it('leaves sentences that merely contain the word to the dialogue', () => {
    for (const body of ['suite à mon signalement', 'plus de lumière rue Pasteur', '2', 'oui'])
      expect(isMoreRequest(body)).toBe(false);
  });
});

describe('paginate', () => {
  it('splits a line longer than a page between words, and an unbreakable link by characters', () => {
    const link = `https://www.example.fr/${'x'.repeat(300)}`;
    const pages = paginate(`Le formulaire est en ligne : ${link}`, '', 1, 'Répondez SUITE pour la suite.');
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) expect(smsSegments(page).segments).toBe(1);
    expect(pages.map((p) => p.replace(/\nRépondez SUITE pour la suite\.$/, '')).join('')).toBe(
      `Le formulaire est en ligne :${link}`,
    );
  });

  it('keeps a line with doubled spaces on the page it fits once its words are rejoined', () => {
    // 166 characters as written (over one segment), 139 once split between words and joined again.
    const line = Array.from({ length: 28 }, () => 'abcd').join('  ');
    expect(paginate(`ok!\n${line}`, '', 1, '')).toEqual([`ok!\n${line.replace(/ {2}/g, ' ')}`]);
  });
});
