import { foldedNames } from './names';

describe('foldedNames', () => {
  it('folds the name and every alias as the message is folded (case, accents, ligatures, punctuation)', () => {
    expect(
      foldedNames({ name: 'Médiathèque Jules-Verne', aliases: ['Bibliothèque', 'Cœur de ville'] }),
    ).toEqual(['mediatheque jules verne', 'bibliotheque', 'coeur de ville']);
  });

  it('folds a territory object once, and again for a new object (a hot reload)', () => {
    const facility = { name: 'Piscine', aliases: ['Centre aquatique'] };
    expect(foldedNames(facility)).toBe(foldedNames(facility));
    expect(foldedNames({ ...facility })).not.toBe(foldedNames(facility));
    expect(foldedNames({ ...facility })).toEqual(foldedNames(facility));
  });
});
