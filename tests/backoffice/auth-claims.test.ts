// From a provider's claims to an agent: the role and tenant mappings an installation writes in OIDC_*,
// and the configuration errors that would let nobody — or anybody — in.
import { mapClaims, parsePairs, type ClaimMapping } from '../../backoffice/auth/claims';
import { ConfigError, loadConfig, oidcSettings } from '../../server/config';

const KEYCLOAK: ClaimMapping = {
  roleClaim: 'realm_access.roles',
  roleMap: { 'guichet-agents': 'agent', 'guichet-chefs': 'supervisor', 'guichet-admins': 'admin' },
  tenantClaim: 'organisation',
  tenantMap: { '21250123400017': 'val-de-loue' },
  authorityClaim: 'service',
};

describe('claims → agent', () => {
  it('takes the highest mapped role, the mapped tenant, the authority and a readable name', () => {
    expect(
      mapClaims(
        {
          sub: 'f3a1',
          given_name: 'Jean',
          usual_name: 'Morel',
          email: 'jean.morel@val-de-loue.fr',
          realm_access: { roles: ['offline_access', 'guichet-agents', 'guichet-chefs'] },
          organisation: '21250123400017',
          service: 'commune-verniere',
        },
        KEYCLOAK,
      ),
    ).toEqual({
      ok: true,
      subject: 'f3a1',
      name: 'Jean Morel',
      email: 'jean.morel@val-de-loue.fr',
      role: 'supervisor',
      tenantId: 'val-de-loue',
      authorityId: 'commune-verniere',
    });
  });

  it('refuses a person with no mapped role, or whose organisation is not a tenant', () => {
    const base = { sub: 'x', realm_access: { roles: ['guichet-agents'] }, organisation: '21250123400017' };
    expect(mapClaims({ ...base, realm_access: { roles: ['compta'] } }, KEYCLOAK)).toEqual({
      ok: false,
      reason: 'no_role',
    });
    expect(mapClaims({ ...base, organisation: '99999999999999' }, KEYCLOAK)).toEqual({
      ok: false,
      reason: 'no_tenant',
    });
    expect(mapClaims({ ...base, sub: '' }, KEYCLOAK)).toEqual({ ok: false, reason: 'no_subject' });
  });

  it('uses the default role and tenant of a single-commune installation, a string claim, and the email as a last name', () => {
    const single: ClaimMapping = {
      roleClaim: 'roles',
      roleMap: { Admin: 'admin' },
      defaultRole: 'agent',
      tenantMap: {},
      defaultTenant: 'val-de-loue',
    };
    expect(mapClaims({ sub: 'a', email: 'a@x.fr', roles: 'Admin' }, single)).toMatchObject({
      ok: true,
      role: 'admin',
      tenantId: 'val-de-loue',
      name: 'a@x.fr',
      authorityId: null,
    });
    expect(mapClaims({ sub: 'b', name: 'Bea' }, single)).toMatchObject({ role: 'agent', name: 'Bea' });
  });

  it('reads value=target lists and rejects a malformed entry', () => {
    expect(parsePairs(' urn:groupe:a = agent , b=admin,')).toEqual({ 'urn:groupe:a': 'agent', b: 'admin' });
    expect(() => parsePairs('agents')).toThrow(/not value=target/);
  });
});

describe('OIDC_* configuration', () => {
  const env = {
    PUBLIC_URL: 'https://guichet.val-de-loue.fr',
    OIDC_ISSUER: 'https://sso.val-de-loue.fr/realms/agents',
    OIDC_CLIENT_ID: 'guichet',
    OIDC_ROLE_MAP: 'guichet-agents=agent',
    OIDC_DEFAULT_TENANT: 'val-de-loue',
  };

  it('builds the provider settings', () => {
    expect(oidcSettings(loadConfig(env))).toMatchObject({
      issuer: env.OIDC_ISSUER,
      clientId: 'guichet',
      scopes: 'openid email profile',
      roleClaim: 'groups',
      roleMap: { 'guichet-agents': 'agent' },
      defaultTenant: 'val-de-loue',
    });
    expect(oidcSettings(loadConfig({}))).toBeUndefined();
  });

  it.each([
    [{ OIDC_ROLE_MAP: '' }, 'OIDC_ROLE_MAP: is required'],
    [{ OIDC_ROLE_MAP: 'guichet-agents=maire' }, 'OIDC_ROLE_MAP: "maire" is not a role'],
    [{ OIDC_DEFAULT_TENANT: '' }, 'OIDC_TENANT_CLAIM: is required'],
    [{ OIDC_CLIENT_ID: '' }, 'OIDC_CLIENT_ID: is required'],
    [{ PUBLIC_URL: '' }, 'PUBLIC_URL: is required when OIDC_ISSUER is set'],
  ])('refuses %j', (change, message) => {
    expect(() => loadConfig({ ...env, ...change })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, ...change })).toThrow(message);
  });
});
