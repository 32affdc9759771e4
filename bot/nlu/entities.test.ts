// Entity extraction: canonical values a dialogue can use directly.
import { createNlu, type AnalyzeOptions, type EntityType } from './index';

const nlu = createNlu({ warmUp: false });
// Wednesday 13 May 2026, 12:00 in Paris.
const WEDNESDAY: AnalyzeOptions = { now: new Date('2026-05-13T10:00:00Z'), timeZone: 'Europe/Paris' };
const SATURDAY: AnalyzeOptions = { now: new Date('2026-05-16T08:00:00Z'), timeZone: 'Europe/Paris' };

function values(text: string, type: EntityType, options: AnalyzeOptions = WEDNESDAY): string[] {
  return nlu
    .analyze(text, options)
    .entities.filter((e) => e.type === type)
    .map((e) => e.value);
}
const first = (text: string, type: EntityType, options: AnalyzeOptions = WEDNESDAY): string | undefined =>
  values(text, type, options)[0];

describe('dates (now = Wednesday 13 May 2026, Europe/Paris)', () => {
  it.each([
    ["la piscine est ouverte aujourd'hui ?", '2026-05-13'],
    ['la piscine est ouverte aujourd hui ?', '2026-05-13'],
    ['ajd', '2026-05-13'],
    ['et ce soir ?', '2026-05-13'],
    ['demain', '2026-05-14'],
    ['la mairie ouvre a kel heure dmn', '2026-05-14'],
    ['après-demain', '2026-05-15'],
    ['apres demain matin', '2026-05-15'],
    ['samedi', '2026-05-16'],
    ['la déchetterie est ouverte samedi prochain ?', '2026-05-16'],
    ['mercredi', '2026-05-13'],
    ['mercredi prochain', '2026-05-20'],
    ['ouvert ce week-end ?', '2026-05-16'],
    ['le 14 juillet', '2026-07-14'],
    ['la mairie est ouverte le 1er mai ?', '2027-05-01'],
    ['lundi 25 décembre', '2026-12-25'],
    ['25/12', '2026-12-25'],
    ['le 3/06 à 10h', '2026-06-03'],
    ['dans 3 jours', '2026-05-16'],
    ['ouvert à noël ?', '2026-12-25'],
    ['le lundi de Pâques', '2027-03-29'],
    ['tomorrow', '2026-05-14'],
    ['is the pool open on Saturday', '2026-05-16'],
    ['next saturday', '2026-05-16'],
    ['on December 25', '2026-12-25'],
  ])('%s → %s', (text, iso) => {
    expect(first(text, 'date')).toBe(iso);
  });

  it('reads "samedi" on a Saturday as today and "samedi prochain" as the week after', () => {
    expect(first('samedi', 'date', SATURDAY)).toBe('2026-05-16');
    expect(first('samedi prochain', 'date', SATURDAY)).toBe('2026-05-23');
  });

  it("resolves in the territory's time zone: 23:30 UTC is already tomorrow in Paris", () => {
    const lateEvening: AnalyzeOptions = { now: new Date('2026-05-13T23:30:00Z'), timeZone: 'Europe/Paris' };
    expect(first("aujourd'hui", 'date', lateEvening)).toBe('2026-05-14');
    expect(first('demain', 'date', lateEvening)).toBe('2026-05-15');
    expect(first('samedi', 'date', lateEvening)).toBe('2026-05-16');
    expect(first("aujourd'hui", 'date', { ...lateEvening, timeZone: 'UTC' })).toBe('2026-05-13');
    expect(
      first('le 14 juillet', 'date', { now: new Date('2026-07-14T22:30:00Z'), timeZone: 'Europe/Paris' }),
    ).toBe('2027-07-14');
    // Overseas territories: Réunion is UTC+4.
    expect(
      first('demain', 'date', { now: new Date('2026-05-13T21:00:00Z'), timeZone: 'Indian/Reunion' }),
    ).toBe('2026-05-15');
  });

  it('does not mistake house numbers, phone numbers, references or times for dates', () => {
    expect(first('devant le 12 rue des Lilas', 'date')).toBeUndefined();
    expect(first('rappelez-moi au 06 12 34 56 78', 'date')).toBeUndefined();
    expect(first('suivi DEM-2026-000042', 'date')).toBeUndefined();
    expect(first('à 14h30', 'date')).toBeUndefined();
    expect(first('les horaires de la piscine', 'date')).toBeUndefined();
  });
});

describe('times', () => {
  it.each([
    ['rendez-vous à 14h', '14:00'],
    ['vers 14h30', '14:30'],
    ['à 9 heures', '09:00'],
    ['17:45', '17:45'],
    ['at 2pm', '14:00'],
    ['à midi', '12:00'],
  ])('%s → %s', (text, time) => {
    expect(first(text, 'time')).toBe(time);
  });

  it('does not read "après-midi" as noon', () => {
    expect(first('mercredi après-midi', 'time')).toBeUndefined();
  });
});

describe('references', () => {
  it.each([
    ['suivi DEM-2026-000042', 'DEM-2026-000042'],
    ['ma demande dem 2026 000123', 'DEM-2026-000123'],
    ['dem-2026-123 ?', 'DEM-2026-000123'],
    ['dossier DEM2026000777', 'DEM-2026-000777'],
    ['référence 2026-000999', 'DEM-2026-000999'],
    ['suivi DEM-2026-7K3M9P', 'DEM-2026-7K3M9P'],
    ['où en est dem 2026 7k3m9p', 'DEM-2026-7K3M9P'],
    ['DEM-2026-7K3-M9P svp', 'DEM-2026-7K3M9P'],
    ['ma référence : 2026-7K3M9P', 'DEM-2026-7K3M9P'],
  ])('%s → %s', (text, reference) => {
    expect(first(text, 'reference')).toBe(reference);
  });

  it.each(['rendez-vous le 12 2026 street', 'en 2026 bonjour', 'DEM-2026-OOOOOO'])(
    'finds no reference in "%s"',
    (text) => {
      expect(first(text, 'reference')).toBeUndefined();
    },
  );

  it('makes a message with a reference a follow-up', () => {
    expect(nlu.analyze('DEM-2026-000042 ?', WEDNESDAY).intent).toBe('request_status');
  });
});

describe('addresses', () => {
  it.each([
    ['devant le 12 rue des Lilas', '12 rue des Lilas'],
    ['la chaussée est défoncée rue Pasteur depuis hier', 'rue Pasteur'],
    ['avenue de la Gare, il y a un trou', 'avenue de la Gare'],
    ['un banc cassé place du Marché', 'place du Marché'],
    ['chemin des Vignes', 'chemin des Vignes'],
    ['au 3 bis boulevard Victor Hugo', '3 bis boulevard Victor Hugo'],
    ['impasse des Roses', 'impasse des Roses'],
    ['allée des Chênes est inondée', 'allée des Chênes'],
    ['route de Bayonne', 'route de Bayonne'],
    ['un trou rue de la gare depuis lundi', 'rue de la gare'],
    ['la rue pasteur est inondée', 'rue pasteur'],
  ])('%s → %s', (text, address) => {
    expect(first(text, 'address')).toBe(address);
  });

  it('needs a street name', () => {
    expect(first('fuite d’eau dans la rue', 'address')).toBeUndefined();
    expect(first('un trou sur la route devant chez moi', 'address')).toBeUndefined();
    expect(first('ma demande est en cours de traitement', 'address')).toBeUndefined();
  });
});

describe('communes, phones, e-mails', () => {
  const withCommunes: AnalyzeOptions = {
    ...WEDNESDAY,
    vocabulary: {
      communes: [
        { id: '64483', names: ['Saint-Jean-de-Luz', 'Donibane Lohizune'] },
        { id: '64102', names: ['Bayonne'] },
      ],
    },
  };

  it('recognises commune names from the territory vocabulary', () => {
    expect(first('je suis à saint jean de luz', 'commune', withCommunes)).toBe('64483');
    expect(first('la mairie de St-Jean-de-Luz est ouverte ?', 'commune', withCommunes)).toBe('64483');
    expect(first('bayonne', 'commune', withCommunes)).toBe('64102');
    expect(first('je suis à Biarritz', 'commune', withCommunes)).toBeUndefined();
  });

  it.each([
    ['06 12 34 56 78', '+33612345678'],
    ['mon tel 0612345678', '+33612345678'],
    ['01.23.45.67.89', '+33123456789'],
    ['+33 6 12 34 56 78', '+33612345678'],
    ['0033 5 59 00 00 00', '+33559000000'],
  ])('phone %s → %s', (text, phone) => {
    expect(first(text, 'phone')).toBe(phone);
  });

  it('extracts e-mail addresses', () => {
    expect(first('écrivez-moi à Jean.Dupont@example.fr merci', 'email')).toBe('jean.dupont@example.fr');
  });
});

describe('yes / no and numbers', () => {
  it.each([
    ['oui', 'yes'],
    ['ouais', 'yes'],
    ['ok', 'yes'],
    ["d'accord", 'yes'],
    ['exact', 'yes'],
    ["c'est ça", 'yes'],
    ['yes', 'yes'],
    ['non', 'no'],
    ['nan', 'no'],
    ['no', 'no'],
    ['pas du tout', 'no'],
    ["pas d'accord", 'no'],
    ["non c'est pas ça", 'no'],
  ])('%s → %s', (text, answer) => {
    expect(first(text, 'yes_no')).toBe(answer);
  });

  it('extracts plain numbers but not those inside other entities', () => {
    expect(values("j'ai 2 enfants", 'number')).toEqual(['2']);
    expect(values('trois enfants', 'number')).toEqual(['3']);
    expect(values('devant le 12 rue des Lilas', 'number')).toEqual([]);
    expect(values('06 12 34 56 78', 'number')).toEqual([]);
  });
});

describe('facility and category', () => {
  it('emits canonical labels only', () => {
    const result = nlu.analyze('un lampadaire en panne devant la médiathèque', WEDNESDAY);
    expect(result.entities).toContainEqual({ type: 'facility', value: 'mediatheque' });
    expect(result.entities).toContainEqual({ type: 'category', value: 'eclairage' });
  });

  it('implies the déchetterie from what is brought there, only when asking when', () => {
    expect(first('je peux déposer mes gravats quand ?', 'facility')).toBe('dechetterie');
    expect(first('comment se débarrasser des gravats', 'facility')).toBeUndefined();
  });
});
