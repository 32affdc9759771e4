// Reader for the current DILA "Annuaire de l'administration" JSON export (données locales, since 2022):
// {"service": [{ nom, pivot[], adresse[], telephone[], plage_ouverture[], … }]}.
import { z } from 'zod';
import type { AnnuaireRecord } from './record';
import type { Slot } from './slots';

const text = z.string().nullish();
const PlageSchema = z.object({
  nom_jour_debut: z.string(),
  nom_jour_fin: z.string(),
  valeur_heure_debut_1: text,
  valeur_heure_fin_1: text,
  valeur_heure_debut_2: text,
  valeur_heure_fin_2: text,
  commentaire: text,
});
const AdresseSchema = z.object({
  type_adresse: text,
  complement1: text,
  complement2: text,
  numero_voie: text,
  service_distribution: text,
  code_postal: text,
  nom_commune: text,
  longitude: text,
  latitude: text,
});
const ServiceSchema = z.object({
  id: z.string().min(1),
  nom: z.string().min(1),
  code_insee_commune: text,
  date_modification: text,
  pivot: z.array(z.object({ type_service_local: z.string(), code_insee_commune: text })).default([]),
  adresse: z.array(AdresseSchema).default([]),
  telephone: z.array(z.object({ valeur: z.string() })).default([]),
  adresse_courriel: z.array(z.string()).default([]),
  site_internet: z.array(z.object({ valeur: z.string() })).default([]),
  plage_ouverture: z.array(PlageSchema).default([]),
  commentaire_plage_ouverture: text,
});
/** `{"service": [...]}` as exported, or a bare array of services. */
export const AnnuaireJsonSchema = z.preprocess(
  (data) => (Array.isArray(data) ? { service: data } : data),
  z.object({ service: z.array(ServiceSchema) }),
);

const present = (v: string | null | undefined): v is string => typeof v === 'string' && v.trim() !== '';
const clean = (v: string | null | undefined): string | undefined => (present(v) ? v.trim() : undefined);

function slotOf(p: z.infer<typeof PlageSchema>): Slot {
  const ranges: [string, string][] = [];
  if (present(p.valeur_heure_debut_1) && present(p.valeur_heure_fin_1))
    ranges.push([p.valeur_heure_debut_1, p.valeur_heure_fin_1]);
  if (present(p.valeur_heure_debut_2) && present(p.valeur_heure_fin_2))
    ranges.push([p.valeur_heure_debut_2, p.valeur_heure_fin_2]);
  return { firstDay: p.nom_jour_debut, lastDay: p.nom_jour_fin, ranges };
}

function coordinate(v: string | null | undefined): number | undefined {
  if (!present(v)) return undefined;
  const n = Number(v.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
}

export function readAnnuaireJson(data: unknown): AnnuaireRecord[] {
  const parsed = AnnuaireJsonSchema.parse(data);
  return parsed.service.map((s): AnnuaireRecord => {
    // The physical address first; postal ones ("Adresse postale") only when nothing else is given.
    const address = s.adresse.find((a) => !/postale/i.test(a.type_adresse ?? '')) ?? s.adresse[0];
    const lat = coordinate(address?.latitude);
    const lon = coordinate(address?.longitude);
    // DILA address lines go complement → street → distribution service (AFNOR order).
    const street = [
      address?.complement1,
      address?.complement2,
      address?.numero_voie,
      address?.service_distribution,
    ]
      .filter(present)
      .map((l) => l.trim())
      .join(', ');
    const notes = [...s.plage_ouverture.map((p) => p.commentaire), s.commentaire_plage_ouverture].filter(
      present,
    );
    return {
      id: s.id,
      name: s.nom.trim(),
      pivot: s.pivot[0]?.type_service_local,
      insee: clean(s.code_insee_commune) ?? clean(s.pivot[0]?.code_insee_commune),
      updatedAt: clean(s.date_modification),
      street: street || undefined,
      postcode: clean(address?.code_postal),
      city: clean(address?.nom_commune),
      location: lat !== undefined && lon !== undefined ? { lat, lon } : undefined,
      phone: clean(s.telephone[0]?.valeur),
      email: clean(s.adresse_courriel[0]),
      url: clean(s.site_internet[0]?.valeur),
      slots: s.plage_ouverture.map(slotOf),
      notes,
    };
  });
}
