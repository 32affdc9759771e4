// A real OpenID Connect provider on loopback for the sign-in tests (the `oidc-provider` package, ESM,
// hence this separate process): its own login and consent pages, authorization code + PKCE, ID token and
// userinfo. Usage: node tests/support/oidc-provider.mjs <port> <redirect_uri>; prints "listening" when ready.
// Accounts: the login typed on its page is the account id; the password is not checked (a test provider).
import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const ACCOUNTS = {
  marie: {
    name: 'Marie Lambert',
    email: 'marie.lambert@val-de-loue.fr',
    groups: ['guichet-agents'],
    tenant: 'val-de-loue',
  },
  chef: {
    given_name: 'Jean',
    family_name: 'Morel',
    email: 'jean.morel@val-de-loue.fr',
    groups: ['guichet-agents', 'guichet-chefs'],
    tenant: 'val-de-loue',
  },
  intrus: { name: 'Paul Intrus', email: 'paul@example.org', groups: ['comptabilite'], tenant: 'val-de-loue' },
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'guichet',
      client_secret: 'guichet-test-secret-0123456789',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  scopes: ['openid', 'profile', 'email', 'guichet'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name'],
    email: ['email'],
    guichet: ['groups', 'tenant'],
  },
  pkce: { required: () => true },
  cookies: { keys: ['oidc-test-cookie-key-0123456789'] },
  findAccount: (_ctx, id) =>
    ACCOUNTS[id] ? { accountId: id, claims: () => ({ sub: id, ...ACCOUNTS[id] }) } : undefined,
});

provider.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write('listening\n');
});
