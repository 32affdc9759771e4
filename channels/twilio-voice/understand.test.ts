import {
  isCriticalQuestion,
  isUnintelligible,
  matchSpokenChoice,
  needsReadBack,
  spokenNumber,
  yesNo,
} from './understand';

const menu = [
  { label: 'les horaires d’ouverture', value: 'intent:opening_hours', spoken: 'horaires' },
  {
    label: 'signaler un problème sur la voie publique',
    value: 'intent:report_incident',
    spoken: 'signalement',
  },
  { label: 'Signalisation (panneaux, feux)', value: 'signalisation' },
  { label: 'Oui, enregistrer', value: 'yes' },
];

describe('spoken answers to a phone menu', () => {
  it.each([
    ['2', 2],
    ['deux', 2],
    ['le deuxième', 2],
    ['numéro 3', 3],
    ['Premier.', 1],
    ['je veux le deux et le trois', undefined],
  ])('"%s" is number %s', (speech, n) => {
    expect(spokenNumber(speech)).toBe(n);
  });

  it.each([
    ['horaires', 'intent:opening_hours'],
    ['Les horaires.', 'intent:opening_hours'],
    ['un signalement', 'intent:report_incident'],
    ['signalisation', 'signalisation'],
    ['oui', 'yes'],
    ['le premier', 'intent:opening_hours'],
  ])('"%s" selects %s', (speech, value) => {
    expect(matchSpokenChoice(speech, menu)?.value).toBe(value);
  });

  it('recognises a facility said with its article', () => {
    const facilities = [
      { label: 'Mairie de Montcey-sur-Loue', value: 'mairie-montcey' },
      { label: 'Déchetterie intercommunale des Prés-Bas', value: 'dechetterie' },
      { label: 'Piscine intercommunale Les Tilleuls', value: 'piscine' },
    ];
    expect(matchSpokenChoice('la déchetterie', facilities)?.value).toBe('dechetterie');
    expect(matchSpokenChoice('à la piscine', facilities)?.value).toBe('piscine');
    // "intercommunale" is in two labels: ambiguous, left to the engine.
    expect(matchSpokenChoice("l'intercommunale", facilities)).toBeUndefined();
  });

  it('leaves real sentences and unclear words to the engine', () => {
    expect(matchSpokenChoice('quels sont les horaires de la mairie de Montcey', menu)).toBeUndefined();
    expect(matchSpokenChoice('euh', menu)).toBeUndefined();
    // "signal" is in two labels: ambiguous.
    expect(matchSpokenChoice('signal', menu)).toBeUndefined();
  });

  it.each([
    [undefined, 'oui', 'yes'],
    [undefined, "Oui c'est ça", 'yes'],
    [undefined, 'exactement', 'yes'],
    [undefined, 'non', 'no'],
    [undefined, "non ce n'est pas ça", 'no'],
    ['1', undefined, 'yes'],
    ['2', undefined, 'no'],
    [undefined, 'peut-être', undefined],
    ['5', undefined, undefined],
  ])('digits %s / speech "%s" → %s', (digits, speech, answer) => {
    expect(yesNo(digits, speech)).toBe(answer);
  });

  it('treats empty or very unsure speech as not understood, an unknown confidence as unknown', () => {
    expect(isUnintelligible('…', 0.9)).toBe(true);
    expect(isUnintelligible('la piscine', 0.1)).toBe(true);
    expect(isUnintelligible('la piscine', 0)).toBe(false);
    expect(isUnintelligible('la piscine', undefined)).toBe(false);
  });

  it('reads back a critical answer unless recognition was confident', () => {
    expect(needsReadBack(0.31)).toBe(true);
    expect(needsReadBack(undefined)).toBe(true);
    expect(needsReadBack(0.8)).toBe(false);
    expect(isCriticalQuestion('location', 'Où se situe le problème ?')).toBe(true);
    expect(isCriticalQuestion(null, 'Quelle est l’adresse exacte ?')).toBe(true);
    expect(isCriticalQuestion('description', 'Décrivez le problème en quelques mots.')).toBe(false);
  });
});
