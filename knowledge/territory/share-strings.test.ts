// Sharing the strings territories have in common changes no content: every value is equal to what it was, objects
// and arrays are the same objects (changed in place), and what the caller asks to skip is not walked.
import { shareStrings } from './share-strings';

it('leaves every value equal, in the same objects, and skips the keys asked', () => {
  const faq = [{ question: 'Horaires ?', answer: 'Mo-Fr 08:30-12:00' }];
  const first = {
    id: 'a',
    facilities: [
      { name: 'Mairie', openingHours: 'Mo-Fr 08:30-12:00', geo: { lat: 47.1, lon: 6.2 }, note: null },
      { name: 'Déchetterie', openingHours: 'Sa 09:00-12:00', tags: ['tri', 'Mairie'] },
    ],
    open: true,
    faq,
  };
  const second = { id: 'b', facilities: [{ name: 'Mairie', openingHours: 'Mo-Fr 08:30-12:00' }], faq: [] };
  const before = structuredClone([first, second]);
  const facilities = first.facilities;
  const table = new Map<string, string>();
  expect(shareStrings(first, table, ['faq'])).toBe(first);
  shareStrings(second, table, ['faq']);
  expect([first, second]).toEqual(before);
  expect(first.facilities).toBe(facilities);
  expect(first.faq).toBe(faq);
  // Each distinct string once; the FAQ's were not walked.
  expect([...table.keys()].sort()).toEqual(
    ['Déchetterie', 'Mairie', 'Mo-Fr 08:30-12:00', 'Sa 09:00-12:00', 'a', 'b', 'tri'].sort(),
  );
});
