import { v7 as uuidv7 } from 'uuid';

/**
 * The id of a new request, conversation or contact: a time-ordered UUID (version 7, RFC 9562) instead of a random
 * one (version 4). Those tables grow without end, and every B-tree whose key starts with the id (the primary key,
 * `requests_id_authority_idx`, the timeline's index by request, the messages' by conversation) took each new row
 * on a random leaf page: over a platform's millions of requests such a page is rarely in PostgreSQL's buffers, and
 * each insert read it from the disk first (BENCHMARKS.md, Platform). Time-ordered ids go where the last ones went.
 * In an index already holding random ids, that place is inside it, not at its end: the pages there split in
 * halves and stay about half full (docs/deployment.md).
 *
 * Nothing relies on an id being secret: citizens see references (bot/references.ts), and the one id given out,
 * Open311's `token` for a request, only leads to its public reference. A version 7 id says when it was made — as
 * the request's `requested_datetime` does — and keeps 42 or more random bits.
 */
export function newRowId(): string {
  return uuidv7();
}
