// Transcript commits of several conversations in one statement. Most turns write nothing but their messages and
// the conversation's bookkeeping, and a turn's statement costs the database far more than its rows: under load
// its CPU went to the protocol, starting and ending the executor, the commit and waking the WAL writer (~1 ms
// per turn, BENCHMARKS.md) rather than to the three rows. Commits that arrive in the same turn of the event loop
// share one statement instead; each keeps its own conditions (fence, expected owner and address, a replayed
// provider message) and its own outcome, read from the statement's answer.
import type { MessageRecord, TurnCommit } from '../../bot/ports';

/** Turns written by one batch at most (the statement's parameter stays a few tens of kilobytes). */
export const MAX_TRANSCRIPT_BATCH = 32;

/**
 * Nothing but messages (and the conversation's bookkeeping): no request, follow, notification or hand-over. Such a
 * commit may be lost in a database crash (asynchronous commit), nobody having been promised anything about it.
 */
export function isTranscriptOnly(commit: TurnCommit): boolean {
  return (
    commit.requests.length === 0 &&
    (commit.follows ?? []).length === 0 &&
    commit.outbox.length === 0 &&
    commit.conversation?.owner === undefined &&
    commit.conversation?.status === undefined
  );
}

/**
 * A transcript-only commit the batch statement can write: messages (no agent's), the conversation's last intent
 * and fence — no fallback, knowledge gap or satisfaction answer (those keep the one-turn statement and its checks).
 */
export function isBatchable(commit: TurnCommit): boolean {
  const change = commit.conversation ?? {};
  return (
    isTranscriptOnly(commit) &&
    !change.unanswered &&
    change.satisfaction === undefined &&
    // A fallback is counted in the day's conversation roll-up (one row per territory, day and channel, locked
    // meanwhile by every new conversation until its commit): the whole batch would wait behind it.
    !change.nluFallback &&
    !commit.draftReferences &&
    commit.messages.every((message) => message.direction !== 'agent')
  );
}

/**
 * The batch's rows go in as one JSON parameter, the conversations' ids also as an array and the provider messages
 * as (conversation, id, commit) arrays: the planner then reads conversations and messages by their keys whatever
 * it guesses of the JSON's size. (An `= ANY` on each column of the messages' key let the generic plan read every
 * message of a long conversation and filter the ids: ~100 pages per conversation instead of 4.)
 * The answer has one row per commit (`k`, its place in `commits`): written, or skipped as a replay, or neither
 * (refused: the caller finds out why, as for one commit).
 */
export const TRANSCRIPT_BATCH_SQL = `WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(k int, conversation_id uuid, tenant_id text, fence bigint,
    expect boolean, expect_owner text, expect_address text, last_intent text, messages jsonb)
),
seen AS (
  SELECT DISTINCT p.k FROM unnest($3::uuid[], $4::text[], $5::int[]) AS p(conversation_id, provider_message_id, k)
  JOIN messages m ON m.conversation_id = p.conversation_id AND m.provider_message_id = p.provider_message_id
),
conv AS (
  UPDATE conversations c SET
    updated_at = now(),
    last_intent = COALESCE(i.last_intent, c.last_intent),
    fence_token = COALESCE(i.fence, c.fence_token)
  FROM input i
  WHERE c.id = ANY($2::uuid[]) AND c.id = i.conversation_id AND c.tenant_id = i.tenant_id
    AND (i.fence IS NULL OR c.fence_token IS NULL OR c.fence_token <= i.fence)
    AND (NOT i.expect OR (c.status, c.owner, c.address) IS NOT DISTINCT FROM ('open'::text, i.expect_owner, i.expect_address))
    AND NOT EXISTS (SELECT 1 FROM seen WHERE seen.k = i.k)
  RETURNING i.k, c.id, c.tenant_id
),
new_messages AS (
  INSERT INTO messages (conversation_id, tenant_id, direction, text, payload, intent, provider_message_id, created_at)
  SELECT conv.id, conv.tenant_id, m.direction, m.text, m.payload, m.intent, m.provider_message_id, COALESCE(m.created_at, now())
  FROM conv JOIN input i ON i.k = conv.k,
    jsonb_to_recordset(i.messages) AS m(i int, direction text, text text, payload jsonb, intent text,
      provider_message_id text, created_at timestamptz)
  ORDER BY conv.k, m.i
  ON CONFLICT (conversation_id, provider_message_id) DO NOTHING
  RETURNING 1
)
SELECT i.k, EXISTS (SELECT 1 FROM conv WHERE conv.k = i.k) AS committed,
  EXISTS (SELECT 1 FROM seen WHERE seen.k = i.k) AS replayed
FROM input i ORDER BY i.k`;

/** The provider's ids of a turn's messages (those it gave one): what a replay of the turn is known by. */
export function providerIdsOf(messages: readonly MessageRecord[]): string[] {
  return messages.flatMap((m) => (m.providerMessageId ? [m.providerMessageId] : []));
}

/** A turn's messages as the statements' JSON rows (`i`: their order in the turn). */
export function messageRows(messages: readonly MessageRecord[]) {
  return messages.map((message, i) => ({
    i,
    direction: message.direction,
    text: message.text,
    payload: message.payload ?? null,
    intent: message.intent ?? null,
    provider_message_id: message.providerMessageId ?? null,
    created_at: message.createdAt?.toISOString() ?? null,
  }));
}

/** The parameters of TRANSCRIPT_BATCH_SQL for these commits (each of another conversation: see the caller). */
export function transcriptBatchParams(commits: readonly TurnCommit[]): unknown[] {
  const rows = commits.map((commit, k) => ({
    k,
    conversation_id: commit.conversationId,
    tenant_id: commit.tenantId,
    fence: commit.fenceToken ?? null,
    expect: commit.expect !== undefined,
    expect_owner: commit.expect?.owner ?? null,
    expect_address: commit.expect?.address ?? null,
    last_intent: commit.conversation?.lastIntent ?? null,
    messages: messageRows(commit.messages),
  }));
  // Each provider message as a (conversation, id, commit) triple: looked up by the unique key's two columns.
  const provided = commits.flatMap((commit, k) =>
    providerIdsOf(commit.messages).map((id) => ({ id, conversationId: commit.conversationId, k })),
  );
  return [
    JSON.stringify(rows),
    commits.map((c) => c.conversationId),
    provided.map((p) => p.conversationId),
    provided.map((p) => p.id),
    provided.map((p) => p.k),
  ];
}
