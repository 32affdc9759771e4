// A value derived once per object and kept on it, invisible to whoever reads the object.
import { memoOn } from './memo-on';

const LENGTH = Symbol('length');

describe('memoOn', () => {
  it('computes once per object, and again for another object with the same content', () => {
    let computed = 0;
    const named = (o: { name: string }) => memoOn(o, LENGTH, (x) => (computed++, x.name.length));
    const mairie = { name: 'Mairie' };
    expect([named(mairie), named(mairie)]).toEqual([6, 6]);
    expect(named({ ...mairie })).toBe(6);
    expect(computed).toBe(2);
  });

  it('leaves the object as it was: keys, JSON, equality, copies', () => {
    const facility = { name: 'Déchetterie', aliases: ['Déchèterie'] };
    memoOn(facility, LENGTH, () => 11);
    expect(Object.keys(facility)).toEqual(['name', 'aliases']);
    expect(JSON.stringify(facility)).toBe('{"name":"Déchetterie","aliases":["Déchèterie"]}');
    expect(facility).toStrictEqual({ name: 'Déchetterie', aliases: ['Déchèterie'] });
    expect(Object.getOwnPropertySymbols({ ...facility })).toEqual([]);
  });

  it('computes again at each call for a frozen object, which cannot hold the value', () => {
    let computed = 0;
    const frozen = Object.freeze({ name: 'Piscine' });
    memoOn(frozen, LENGTH, () => ++computed);
    expect(memoOn(frozen, LENGTH, () => ++computed)).toBe(2);
  });
});
