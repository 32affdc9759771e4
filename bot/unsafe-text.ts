// Text PostgreSQL cannot store (a NUL character) or that is not Unicode (a lone UTF-16 surrogate, which
// becomes an invalid "\ud800" escape in jsonb). Boundaries refuse it (400) or clean it before any store sees it.
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const isUnsafeText = (text: string): boolean => {
  NUL.lastIndex = 0;
  LONE_SURROGATE.lastIndex = 0;
  return NUL.test(text) || LONE_SURROGATE.test(text);
};

/** NUL removed, a lone surrogate replaced by U+FFFD (what a UTF-8 decoder would show). */
export const cleanUnsafeText = (text: string): string =>
  text.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');

/** The path of the first string (key or value) holding unsafe text in a parsed body or query, if any. */
export function findUnsafeText(value: unknown, path: string[] = [], depth = 0): string[] | undefined {
  if (typeof value === 'string') return isUnsafeText(value) ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (isUnsafeText(key)) return [...path, cleanUnsafeText(key)];
    const found = findUnsafeText(inner, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}
