// Port: short-lived conversation state (dialogue position, form slots), versioned so that a stale
// write is rejected instead of silently overwriting a newer turn. Embedded default: memory; production: Redis.
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface VersionedState {
  data: JsonObject;
  /** Monotonic version; 0 never exists in the store (it means "absent" for a first write). */
  version: number;
}

export interface ConversationStateStore {
  get(key: string): Promise<VersionedState | null>;
  /**
   * Writes `data` if the stored version is still `expectedVersion` (0 = must not exist yet) and
   * returns the new version. Throws GuichetError('STALE_STATE') otherwise. `ttlSeconds` bounds its life.
   */
  set(key: string, data: JsonObject, expectedVersion: number, ttlSeconds: number): Promise<number>;
  delete(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
