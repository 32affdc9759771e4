// The French address parser, case by case: what a citizen types → the parts a clerk reads.
import type { Commune } from '../../knowledge/territory';
import { formatFrenchAddress, isNumberOnly, mergeAddress, parseFrenchAddress } from './french-address';

const COMMUNES: Commune[] = [
  {
    id: 'montcey-sur-loue',
    name: 'Montcey-sur-Loue',
    insee: '25971',
    postcodes: ['25971'],
    aliases: ['Montcey', 'Montcey sur Loue'],
  },
  { id: 'verniere', name: 'Vernière', insee: '25972', postcodes: ['25972'], aliases: ['Verniere'] },
  {
    id: 'saint-ambreuil',
    name: 'Saint-Ambreuil',
    insee: '25973',
    postcodes: ['25973'],
    aliases: ['St-Ambreuil', 'St Ambreuil', 'Saint Ambreuil'],
  },
] as Commune[];

const parse = (text: string) => parseFrenchAddress(text, COMMUNES);
const full = (text: string) => {
  const a = parse(text);
  return a ? formatFrenchAddress(a) : undefined;
};

describe('parseFrenchAddress', () => {
  it.each([
    // [typed, normalised full string for the geocoder]
    ['2 grande rue st ambreuil', '2 Grande Rue, Saint-Ambreuil'],
    ['2 Grande Rue, Saint-Ambreuil', '2 Grande Rue, Saint-Ambreuil'],
    ["5 grand'rue", "5 Grand'Rue"],
    ['5 grand rue', "5 Grand'Rue"],
    ['5 Grand-Rue', '5 Grand-Rue'],
    ['5 grand’rue', '5 Grand’Rue'],
    ['3 place de l’église', '3 place de l’Église'],
    ["3 place de l'Église à Vernière", "3 place de l'Église, Vernière"],
    ['12 rue des Lilas', '12 rue des Lilas'],
    ['12bis rue des lilas', '12 bis rue des Lilas'],
    ['12 b rue des lilas', '12 bis rue des Lilas'],
    ['7 ter avenue de la gare', '7 ter avenue de la Gare'],
    ['7t av de la gare', '7 ter avenue de la Gare'],
    ['3 quater bd victor hugo', '3 quater boulevard Victor Hugo'],
    ['4 rue de la place', '4 rue de la Place'],
    ['chemin de la rue', 'chemin de la Rue'],
    ['8 chemin de la rue verniere', '8 chemin de la Rue, Vernière'],
    ['place de la Mairie', 'place de la Mairie'],
    ['10 pl. du marché', '10 place du Marché'],
    ['15 imp des roses', '15 impasse des Roses'],
    ['1 allée des chênes', '1 allée des Chênes'],
    ['22 route de besancon', '22 route de Besancon'],
    ['9 rue st exupery', '9 rue Saint-Exupery'],
    ['9 RUE PASTEUR', '9 rue Pasteur'],
    ['3 rue du Moulin à Montcey', '3 rue du Moulin, Montcey-sur-Loue'],
    ['3 rue du moulin 25971 montcey sur loue', '3 rue du Moulin, 25971 Montcey-sur-Loue'],
    ['18 rue de Vernière', '18 rue de Vernière'],
    ['18 rue de Vernière, Vernière', '18 rue de Vernière, Vernière'],
    ['rue Pasteur, au numéro 5', '5 rue Pasteur'],
    ["non, c'est rue Pasteur, au numéro 5", '5 rue Pasteur'],
    ['au 14 de la rue Pasteur', '14 rue Pasteur'],
    ["j'habite au 3 rue du Moulin", '3 rue du Moulin'],
    ["c'est au 14", '14'],
    ['non c’est au 14 bis', '14 bis'],
    ['le 3', '3'],
    ['n° 6 rue des Tanneurs', '6 rue des Tanneurs'],
    ['lieu-dit les granges', 'lieu-dit Les Granges'],
    ['3 bis, rue du Moulin', '3 bis rue du Moulin'],
    ['14B rue des Tanneurs', '14 bis rue des Tanneurs'],
    ['7 impasse du chemin', '7 impasse du Chemin'],
    ['1 place de la rue', '1 place de la Rue'],
    ['12 rue du 8 mai 1945', '12 rue du 8 Mai 1945'],
    ['10 avenue saint martin, montcey', '10 avenue Saint-Martin, Montcey-sur-Loue'],
    ['5 rue de l’Église à Vernière', '5 rue de l’Église, Vernière'],
    ['2 gde rue', '2 Grande Rue'],
  ])('%s → %s', (typed, expected) => {
    expect(full(typed)).toBe(expected);
  });

  it('keeps the parts apart', () => {
    expect(parse('2 bis grande rue st ambreuil')).toEqual({
      number: '2',
      repetition: 'bis',
      street: 'Grande Rue',
      typed: true,
      communeId: 'saint-ambreuil',
      communeName: 'Saint-Ambreuil',
    });
  });

  it.each(['merci beaucoup', 'oui', '', 'je ne sais pas'])('%s is not an address', (typed) => {
    expect(parse(typed)).toBeUndefined();
  });

  it('tells a number-only correction', () => {
    expect(isNumberOnly(parse("non c'est au 14"))).toBe(true);
    expect(isNumberOnly(parse('14 rue Pasteur'))).toBe(false);
  });
});

describe('mergeAddress', () => {
  const merged = (before: string, correction: string) =>
    formatFrenchAddress(mergeAddress(parse(before), parse(correction)!));

  it('a number alone keeps the street and the commune', () => {
    expect(merged('12 rue des Lilas, Vernière', 'au 14')).toBe('14 rue des Lilas, Vernière');
    expect(merged('12 bis rue des Lilas', 'au 14')).toBe('14 rue des Lilas');
    expect(merged('rue des Lilas', '3 ter')).toBe('3 ter rue des Lilas');
  });

  it('a new street is a new place, in the same commune unless another is named', () => {
    expect(merged('12 rue des Lilas, Vernière', 'rue Pasteur, au numéro 5')).toBe('5 rue Pasteur, Vernière');
    expect(merged('12 rue des Lilas, Vernière', 'rue Pasteur')).toBe('rue Pasteur, Vernière');
    expect(merged('12 rue des Lilas, Vernière', '2 grande rue st ambreuil')).toBe(
      '2 Grande Rue, Saint-Ambreuil',
    );
  });
});
