// Back office: indexes for its lists (cursor pagination, webhook deliveries) and read-only views for BI
// tools (Metabase, Superset, a spreadsheet over ODBC). The views hold no personal data: no payload, no
// address, no message text — only what the indicators need.
export const migration0002 = {
  version: 2,
  name: 'backoffice-views',
  sql: `
CREATE INDEX requests_tenant_created_id_idx ON requests (tenant_id, created_at DESC, id DESC);
CREATE INDEX outbox_tenant_kind_idx ON outbox (tenant_id, kind, id DESC);
CREATE INDEX outbox_handover_conversation_idx ON outbox ((payload ->> 'conversationId'))
  WHERE kind IN ('conversation.handover', 'webhook', 'notification');

-- One row per request. first_response_at: when it first left 'received' (an agent acted on it).
CREATE VIEW bi_requests AS
SELECT
  r.id, r.reference, r.tenant_id, r.type, r.status, r.authority_id, r.commune_id, r.channel,
  r.payload ->> 'category' AS category,
  r.created_at, r.updated_at, r.resolved_at,
  to_char(r.created_at AT TIME ZONE COALESCE(t.settings ->> 'timeZone', 'Europe/Paris'), 'IYYY-"W"IW') AS iso_week,
  fr.first_response_at,
  EXTRACT(EPOCH FROM fr.first_response_at - r.created_at)::float8 AS first_response_seconds,
  CASE WHEN r.status = 'resolved' THEN EXTRACT(EPOCH FROM COALESCE(r.resolved_at, r.updated_at) - r.created_at)::float8 END
    AS resolution_seconds
FROM requests r
JOIN tenants t ON t.id = r.tenant_id
LEFT JOIN LATERAL (
  SELECT min(e.created_at) AS first_response_at FROM request_events e WHERE e.request_id = r.id AND e.status <> 'received'
) fr ON true;

-- Requests per ISO week, type, channel and commune.
CREATE VIEW bi_requests_weekly AS
SELECT tenant_id, iso_week, type, channel, COALESCE(commune_id, 'unknown') AS commune_id, authority_id, count(*)::int AS requests
FROM bi_requests
GROUP BY tenant_id, iso_week, type, channel, COALESCE(commune_id, 'unknown'), authority_id;

-- One row per conversation: was it handed over, how many bot turns, how many NLU fallbacks.
CREATE VIEW bi_conversations AS
SELECT
  c.id, c.tenant_id, c.channel, c.owner, c.status, c.created_at, c.closed_at, c.handed_over_at,
  c.first_agent_reply_at, c.nlu_fallbacks,
  (c.handed_over_at IS NOT NULL) AS handed_over,
  COALESCE(m.citizen_messages, 0) AS citizen_messages,
  COALESCE(m.bot_turns, 0) AS bot_turns,
  EXTRACT(EPOCH FROM c.first_agent_reply_at - c.handed_over_at)::float8 AS first_agent_reply_seconds,
  to_char(c.created_at AT TIME ZONE COALESCE(t.settings ->> 'timeZone', 'Europe/Paris'), 'IYYY-"W"IW') AS iso_week
FROM conversations c
JOIN tenants t ON t.id = c.tenant_id
LEFT JOIN LATERAL (
  SELECT count(*)::int AS citizen_messages, (count(*) FILTER (WHERE x.intent IS NOT NULL))::int AS bot_turns
  FROM messages x WHERE x.conversation_id = c.id AND x.direction = 'in'
) m ON true;

-- Weekly rates per tenant: containment (no agent), handover, NLU fallbacks per bot turn.
CREATE VIEW bi_conversations_weekly AS
SELECT
  tenant_id, iso_week,
  count(*)::int AS conversations,
  (count(*) FILTER (WHERE handed_over))::int AS handed_over,
  (count(*) FILTER (WHERE NOT handed_over))::float8 / NULLIF(count(*), 0) AS containment_rate,
  (count(*) FILTER (WHERE handed_over))::float8 / NULLIF(count(*), 0) AS handover_rate,
  sum(nlu_fallbacks)::float8 / NULLIF(sum(bot_turns), 0) AS nlu_fallback_rate,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY first_agent_reply_seconds) AS median_first_agent_reply_seconds
FROM bi_conversations
GROUP BY tenant_id, iso_week;
`,
};
