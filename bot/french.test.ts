// French typography and "de"/"à" before names, as a citizen reads them.
import { ofName, toName, typography } from './french';

const N = '\u202f'; // narrow no-break space
const S = '\u00a0'; // no-break space

describe('typography', () => {
  it('puts no-break spaces before ? ! ; : and inside « », replacing or adding them', () => {
    expect(typography('Vous confirmez ? Oui !', 'fr')).toBe(`Vous confirmez${N}? Oui${N}!`);
    expect(typography('Lieu: 12 rue des Lilas; merci!', 'fr')).toBe(
      `Lieu${S}: 12 rue des Lilas${N}; merci${N}!`,
    );
    expect(typography('par exemple « horaires »', 'fr')).toBe(`par exemple «${N}horaires${N}»`);
  });

  it('leaves times, URLs and query strings alone', () => {
    const text = 'Ouvert à 14:05, voir https://example.fr/a?b=1 ou mailto:dpo@example.fr';
    expect(typography(text, 'fr')).toBe(text);
  });

  it('uses one apostrophe style, and gives English text only that', () => {
    expect(typography("l'école d'aujourd'hui", 'fr')).toBe('l’école d’aujourd’hui');
    expect(typography("Don't wait: it's open!", 'en')).toBe('Don’t wait: it’s open!');
  });
});

describe('ofName / toName', () => {
  it.each([
    [
      'Communauté de communes du Val de Loue',
      'de la Communauté de communes du Val de Loue',
      'à la Communauté de communes du Val de Loue',
    ],
    ['Syndicat des eaux de la Loue', 'du Syndicat des eaux de la Loue', 'au Syndicat des eaux de la Loue'],
    ['Office de tourisme', 'de l’Office de tourisme', 'à l’Office de tourisme'],
    ['Le Mans', 'du Mans', 'au Mans'],
    ['Les Tilleuls', 'des Tilleuls', 'aux Tilleuls'],
    ["L'Isle-sur-le-Doubs", 'de l’Isle-sur-le-Doubs', 'à l’Isle-sur-le-Doubs'],
    ['Ornans', 'd’Ornans', 'à Ornans'],
    ['Vernière', 'de Vernière', 'à Vernière'],
  ])('%s → %s, %s', (name, of, to) => {
    expect(ofName(name)).toBe(of);
    expect(toName(name)).toBe(to);
  });
});
