import { parseScore } from './score';

describe('reading a satisfaction score', () => {
  it.each([
    ['4', 4, ''],
    [' 5 ', 5, ''],
    ['4/5', 4, ''],
    ['3 sur 5', 3, ''],
    ['4 très bien', 4, 'très bien'],
    ['2, trop long', 2, 'trop long'],
    ['5 !', 5, ''],
  ])('%j → %i %j', (text, score, comment) => {
    expect(parseScore(text)).toEqual({ score, comment });
  });

  it.each(['0', '6', '10', '45', 'quatre étoiles', '3 rue des Lilas', '2 poubelles', 'bonjour'])(
    '%j is not a score',
    (text) => {
      expect(parseScore(text)).toBeUndefined();
    },
  );
});
