// The pool's size and how long a query waits for a connection: one definition for the store's options
// (adapters/postgres/index.ts) and the server's variables (server/config.ts), which must not drift apart.
// A module of its own so that the configuration does not load the driver.
export const POOL_SIZE = { min: 1, max: 100, default: 10 } as const;
export const CONNECT_TIMEOUT_MS = { min: 100, max: 60_000, default: 3000 } as const;
