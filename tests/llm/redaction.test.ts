// What is removed from citizen text before it reaches a provider, and what is kept so the model still
// understands the question.
import { redactPersonalData } from '../../bot/llm';

describe('redactPersonalData', () => {
  it.each([
    ['06 12 34 56 78', 'phone'],
    ['06.12.34.56.78', 'phone'],
    ['0612345678', 'phone'],
    ['+33 6 12 34 56 78', 'phone'],
    ['+33 (0)6 12 34 56 78', 'phone'],
    ['0033612345678', 'phone'],
    ['+44 7700 900123', 'phone'],
    ['jean-paul.dupont+mairie@exemple.fr', 'email'],
    ['DEM-2026-000123', 'reference'],
    ['1 85 05 78 006 084 36', 'number'],
    ['FR76 3000 6000 0112 3456 7890 189', 'number'],
    // Issue 16 point 3: formats that came out as typed on the public Open311 read.
    ['06/12/34/56/78', 'phone'],
    ['+33 (0) 6 12 34 56 78', 'phone'],
    ['jean point dupont arobase gmail point com', 'email'],
    ['jean [at] gmail [dot] com', 'email'],
    ['jean(at)gmail(dot)fr', 'email'],
    ['jean.dupont @ gmail.com', 'email'],
    ['FR7630006000011234567890189', 'number'],
    ['fr76 3000 6000 0112 3456 7890 189', 'number'],
    ['1 85 05 78 006 084 91', 'number'], // NIR with its key
    ['2 85 05 2A 006 084 82', 'number'], // born in Corse-du-Sud
    ['285052A00608482', 'number'],
  ])('removes %s (%s)', (value, kind) => {
    const out = redactPersonalData(`Voici : ${value} merci`);
    expect(out.text).not.toContain(value);
    expect(out.kinds).toContain(kind);
  });

  it.each([
    ["Je m'appelle Jeanne Martin et je voudrais un acte", "Je m'appelle [nom] et je voudrais un acte"],
    ['je m appelle jean dupont, je veux signaler un trou', 'je m appelle [nom], je veux signaler un trou'],
    ['Mon nom est Le Gall.', 'Mon nom est [nom].'],
    ['moi c’est Karim, bonjour', 'moi c’est [nom], bonjour'],
    ['My name is John Smith and I need help', 'My name is [nom] and I need help'],
    ['Je suis Mme Durand-Leroy, je cherche la mairie', 'Je suis Mme [nom], je cherche la mairie'],
  ])('removes the name in "%s"', (input, expected) => {
    expect(redactPersonalData(input).text).toBe(expected);
  });

  it.each([
    ["J'habite 12 rue des Lilas à Montcey", "J'habite [adresse] à Montcey"],
    ['un trou devant le 3 bis avenue Jean Jaurès depuis hier', 'un trou devant le [adresse] depuis hier'],
    ['au 8, bd du Port et', 'au [adresse] et'],
    ['at 221B Baker Street, London', 'at [adresse], London'],
  ])('removes the address with its street number in "%s"', (input, expected) => {
    expect(redactPersonalData(input).text).toBe(expected);
  });

  it.each([
    'La mairie est-elle ouverte samedi à 9h30 ?',
    'Un lampadaire est cassé rue des Lilas',
    'Combien coûte la piscine pour 2 enfants ?',
    'Je voudrais parler à M. le maire',
    'Mon fils a 16 ans, doit-il se faire recenser ?',
    'Les horaires de la déchetterie le 14 juillet',
  ])('keeps a message without personal data intact: "%s"', (input) => {
    expect(redactPersonalData(input)).toEqual({ text: input, kinds: [] });
  });
});
