import {
  competentAuthority,
  DEFAULT_TERRITORY_DIR,
  findCommune,
  loadTerritories,
  type Territory,
} from './index';

let demo: Territory;
beforeAll(async () => {
  demo = (await loadTerritories(DEFAULT_TERRITORY_DIR)).default();
});

describe('competentAuthority', () => {
  it('sends waste and water issues to the intercommunalité, whatever the commune', () => {
    expect(competentAuthority(demo, 'report_incident', 'verniere', 'proprete')?.id).toBe('cc-val-de-loue');
    expect(competentAuthority(demo, 'report_incident', 'montcey-sur-loue', 'eau')?.id).toBe('cc-val-de-loue');
    expect(competentAuthority(demo, 'report_incident', undefined, 'proprete')?.id).toBe('cc-val-de-loue');
  });

  it('sends roads, lighting and schools to the commune concerned', () => {
    expect(competentAuthority(demo, 'report_incident', 'verniere', 'voirie')?.id).toBe('commune-verniere');
    expect(competentAuthority(demo, 'report_incident', 'saint-ambreuil', 'eclairage')?.id).toBe(
      'commune-saint-ambreuil',
    );
    expect(competentAuthority(demo, 'school_registration', 'montcey-sur-loue')?.id).toBe(
      'commune-montcey-sur-loue',
    );
  });

  it('needs the commune when the answer depends on it', () => {
    expect(competentAuthority(demo, 'school_registration')).toBeUndefined();
    expect(competentAuthority(demo, 'report_incident', undefined, 'voirie')).toBeUndefined();
    expect(competentAuthority(demo, 'library_registration')?.id).toBe('cc-val-de-loue');
  });

  it('never routes to a partner: the water utility receives requests by transfer only', () => {
    const partner = demo.authorities.find((a) => a.id === 'syndicat-eaux-loue');
    expect(partner).toMatchObject({ kind: 'partner', webhookOnly: true, competences: [] });
    expect(demo.authorities.find((a) => a.id === 'commune-verniere')?.webhookOnly).toBe(false);
    for (const commune of demo.communes)
      for (const category of ['eau', 'voirie', 'proprete', 'eclairage'])
        expect(competentAuthority(demo, 'report_incident', commune.id, category)?.kind).not.toBe('partner');
  });

  it('finds nobody for an unknown request type', () => {
    expect(competentAuthority(demo, 'teleportation', 'verniere')).toBeUndefined();
  });
});

describe('findCommune', () => {
  it('matches names without accents, aliases, INSEE codes and postcodes', () => {
    expect(findCommune(demo, 'verniere')?.id).toBe('verniere');
    expect(findCommune(demo, 'VERNIÈRE')?.id).toBe('verniere');
    expect(findCommune(demo, 'St Ambreuil')?.id).toBe('saint-ambreuil');
    expect(findCommune(demo, '25971')?.id).toBe('montcey-sur-loue');
    expect(findCommune(demo, 'Paris')).toBeUndefined();
  });
});
