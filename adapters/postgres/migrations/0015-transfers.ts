// Transfers between the authorities of a territory (a commune, the intercommunalité, a partner such as the water
// utility). A transferred request takes the new authority's routing: the team its rules name, among that
// authority's own teams only (a team without an authority, or another authority's, belongs to the former
// holder's organisation). Kept in the database beside guichet_route_request (migration 0010), which routes at
// insert with the same ordering: the most specific rule, then the administrators' order, then the oldest.
export const migration0015 = {
  version: 15,
  name: 'transfers',
  sql: `
CREATE FUNCTION guichet_route_for_authority(
  p_tenant text, p_type text, p_category text, p_commune text, p_authority text
) RETURNS uuid LANGUAGE sql STABLE AS $fn$
  SELECT rr.team_id
  FROM routing_rules rr
  JOIN teams t ON t.id = rr.team_id
  WHERE rr.tenant_id = p_tenant
    AND t.authority_id = p_authority
    AND rr.request_type = p_type
    AND (rr.category IS NULL OR rr.category = p_category)
    AND (rr.commune_id IS NULL OR rr.commune_id = p_commune)
  ORDER BY (rr.category IS NOT NULL)::int + (rr.commune_id IS NOT NULL)::int DESC, rr.position, rr.created_at
  LIMIT 1
$fn$;
`,
};
