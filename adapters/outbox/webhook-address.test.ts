// Webhooks cannot reach our own network (issue 16 point 6): every way of writing a loopback, private, link-local
// or metadata address is refused, after DNS resolution too; an explicit allow-list lets an intranet receiver in.
import { parseAllowList, vetWebhookUrl, NO_EXCEPTIONS, type Resolver } from './webhook-address';

const resolvesTo =
  (...addresses: string[]): Resolver =>
  () =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('webhook addresses', () => {
  it.each([
    'http://127.0.0.1:6379/',
    'http://localhost/hook',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://017700000001/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.10/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
  ])('refuses %s', async (url) => {
    const vetted = await vetWebhookUrl(url, NO_EXCEPTIONS);
    expect(vetted.ok).toBe(false);
  });

  it('refuses a host name that resolves to a private address, or to a mix of public and private', async () => {
    expect((await vetWebhookUrl('https://crm.example.org/h', NO_EXCEPTIONS, resolvesTo('10.0.0.5'))).ok).toBe(
      false,
    );
    expect(
      (
        await vetWebhookUrl(
          'https://crm.example.org/h',
          NO_EXCEPTIONS,
          resolvesTo('93.184.216.34', '127.0.0.1'),
        )
      ).ok,
    ).toBe(false);
  });

  it('accepts a public address and names the one to connect to', async () => {
    expect(
      await vetWebhookUrl('https://crm.example.org/h', NO_EXCEPTIONS, resolvesTo('93.184.216.34')),
    ).toEqual({
      ok: true,
      address: '93.184.216.34',
      family: 4,
    });
    expect((await vetWebhookUrl('http://[2001:4860::8888]/', NO_EXCEPTIONS)).ok).toBe(true);
  });

  it('refuses other schemes and credentials in the URL', async () => {
    expect((await vetWebhookUrl('ftp://93.184.216.34/', NO_EXCEPTIONS)).ok).toBe(false);
    expect((await vetWebhookUrl('http://u:p@93.184.216.34/', NO_EXCEPTIONS)).ok).toBe(false);
  });

  it('lets the operator allow an intranet receiver by name or by range', async () => {
    const policy = parseAllowList('crm.mairie.local, 10.20.0.0/16, 127.0.0.1');
    expect((await vetWebhookUrl('http://crm.mairie.local/h', policy, resolvesTo('192.168.5.5'))).ok).toBe(
      true,
    );
    expect((await vetWebhookUrl('http://10.20.3.4/h', policy)).ok).toBe(true);
    expect((await vetWebhookUrl('http://10.21.3.4/h', policy)).ok).toBe(false);
    expect((await vetWebhookUrl('http://127.0.0.1:8080/h', policy)).ok).toBe(true);
    expect(() => parseAllowList('10.0.0.0/99')).toThrow();
  });

  it('says when a host does not resolve (delivery retries later; registration accepts it)', async () => {
    const failing: Resolver = () => Promise.reject(new Error('ENOTFOUND'));
    expect(await vetWebhookUrl('https://not-yet.example.org/', NO_EXCEPTIONS, failing)).toMatchObject({
      ok: false,
      unresolved: true,
    });
  });
});
