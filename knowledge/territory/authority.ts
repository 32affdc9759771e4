// Which authority handles a request: the commune for schools and roads, the intercommunalité for waste,
// as the territory's `competences` say. A 'type:category' competence beats a plain 'type' one.
import type { Authority, Commune, Territory } from './schema';
import { fold } from '../retrieval/text';
import { foldedNames } from './names';

function candidates(authorities: readonly Authority[], requestType: string, category?: string): Authority[] {
  if (category) {
    const specific = authorities.filter((a) => a.competences.includes(`${requestType}:${category}`));
    if (specific.length > 0) return specific;
  }
  return authorities.filter((a) => a.competences.includes(requestType));
}

/**
 * The authority competent for a request type (and incident category) in a commune.
 * With a commune it always answers for a loaded territory (the loader checks coverage). Without one it
 * answers when the choice does not depend on the commune (a single candidate, or an intercommunalité),
 * and returns undefined when it does: ask the citizen for the commune.
 */
export function competentAuthority(
  territory: Territory,
  requestType: string,
  communeId?: string,
  category?: string,
): Authority | undefined {
  if (communeId !== undefined) {
    const inCommune = territory.authorities.filter((a) => a.communeIds.includes(communeId));
    const local = candidates(inCommune, requestType, category);
    // A commune's own authority is closer to the field than the intercommunalité for the same competence.
    return local.find((a) => a.kind === 'commune') ?? local[0];
  }
  const all = candidates(territory.authorities, requestType, category);
  if (all.length === 1) return all[0];
  const intercommunal = all.filter((a) => a.kind === 'intercommunalite');
  return intercommunal.length === 1 ? intercommunal[0] : undefined;
}

/** Finds a commune by id, INSEE code, postcode, name or alias (accent- and case-insensitive). */
export function findCommune(territory: Territory, query: string): Commune | undefined {
  const q = fold(query);
  return territory.communes.find(
    (c) =>
      c.id === query || c.insee === query || c.postcodes.includes(query.trim()) || foldedNames(c).includes(q),
  );
}
