// Text folding for matching what citizens type: accents, case and typographic apostrophes do not matter.
export const fold = (s: string): string =>
  s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[’']/g, "'").trim();
