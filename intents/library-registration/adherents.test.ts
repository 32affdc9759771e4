import { countAdherents } from './adherents';

describe('countAdherents', () => {
  it.each([
    ['moi et mes 2 enfants', 3],
    ['moi et mes deux enfants', 3],
    ['pour moi et ma femme', 2],
    ['nous sommes 4 personnes', 4],
    ['me and my 2 kids', 3],
    ['moi', 1],
  ])('counts %p as %p', (text, count) => expect(countAdherents(text)).toBe(count));

  it.each(['mes enfants', 'moi et mes enfants', 'Marie Durand', 'je veux m’inscrire à la médiathèque'])(
    'cannot tell from %p',
    (text) => expect(countAdherents(text)).toBeUndefined(),
  );
});
