// One organisation read from a DILA export, whatever its format, before mapping to our Facility.
import type { Slot } from './slots';

export interface AnnuaireRecord {
  id: string;
  name: string;
  /** DILA "pivot" / type_service_local code: 'mairie', 'msa', 'caf', … */
  pivot?: string;
  insee?: string;
  updatedAt?: string;
  street?: string;
  postcode?: string;
  city?: string;
  location?: { lat: number; lon: number };
  phone?: string;
  email?: string;
  url?: string;
  slots: Slot[];
  /** Comments on the opening hours ("après-midi sur rendez-vous"). */
  notes: string[];
}
