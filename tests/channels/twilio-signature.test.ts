// X-Twilio-Signature: Twilio's documented example, and the guard every Twilio webhook goes through.
import express from 'express';
import request from 'supertest';
import twilio from 'twilio';
import { silentLogger } from '../../bot/logger';
import { twilioForm, twilioSignatureGuard, type TwilioAuthConfig } from '../../channels/twilio-common';
import { jsonErrorHandler } from '../../server/http-errors';
import { ACCOUNT_SID } from './twilio-helpers';

// Twilio's security documentation (https://www.twilio.com/docs/usage/webhooks/webhooks-security):
// auth token 12345, this URL and these parameters are signed 0/KCTR6DLpKmkAf8muzZqo1nDgQ=
// (HMAC-SHA1 of the URL followed by the parameters sorted by name, base64).
const DOC_TOKEN = '12345';
const DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const DOC_PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+12349013030',
  Digits: '1234',
  From: '+12349013030',
  To: '+18005551212',
};
const DOC_SIGNATURE = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

describe('Twilio’s documented signature example', () => {
  it('is what the twilio library computes and accepts', () => {
    expect(twilio.getExpectedTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS)).toBe(DOC_SIGNATURE);
    expect(twilio.validateRequest(DOC_TOKEN, DOC_SIGNATURE, DOC_URL, DOC_PARAMS)).toBe(true);
  });
});

/** An app with only the guard in front of a handler that counts what gets through. */
function guarded(config: TwilioAuthConfig) {
  const seen: unknown[] = [];
  const app = express();
  app.post('/myapp.php', twilioForm, twilioSignatureGuard(config, silentLogger, 'test'), (req, res) => {
    seen.push(req.body);
    res.status(200).type('text/xml').send('<Response/>');
  });
  app.use(jsonErrorHandler(silentLogger));
  return { app, seen };
}

describe('the signature guard', () => {
  // PUBLIC_URL is what Twilio calls (here the documented host); the app itself sees a local address.
  const verified = (): TwilioAuthConfig => ({
    authToken: DOC_TOKEN,
    skipSignature: false,
    publicUrl: 'https://mycompany.com',
  });
  const post = (
    app: express.Express,
    params: Record<string, string>,
    signature?: string,
    path = '/myapp.php?foo=1&bar=2',
  ) => {
    const r = request(app).post(path).type('form').send(params);
    return signature === undefined ? r : r.set('X-Twilio-Signature', signature);
  };

  it('lets the documented request through, rebuilt from PUBLIC_URL behind a proxy', async () => {
    const { app, seen } = guarded(verified());
    await post(app, DOC_PARAMS, DOC_SIGNATURE).expect(200);
    expect(seen).toHaveLength(1);
  });

  it.each([
    ['a tampered parameter', { ...DOC_PARAMS, Digits: '1235' }, DOC_SIGNATURE, undefined],
    ['an added parameter', { ...DOC_PARAMS, Body: 'hello' }, DOC_SIGNATURE, undefined],
    ['a wrong URL (another query)', DOC_PARAMS, DOC_SIGNATURE, '/myapp.php?foo=1&bar=3'],
    ['a missing header', DOC_PARAMS, undefined, undefined],
    ['a truncated signature', DOC_PARAMS, DOC_SIGNATURE.slice(0, -2), undefined],
    [
      'a signature made with another token',
      DOC_PARAMS,
      twilio.getExpectedTwilioSignature('54321', DOC_URL, DOC_PARAMS),
      undefined,
    ],
    ['an empty signature', DOC_PARAMS, '', undefined],
  ])('refuses %s with 403, before the handler', async (_name, params, signature, path) => {
    const { app, seen } = guarded(verified());
    const res = await post(app, params as Record<string, string>, signature, path).expect(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(seen).toHaveLength(0);
  });

  it('with a port in PUBLIC_URL, accepts the URL signed as configured and Twilio’s form without the port', async () => {
    const { app, seen } = guarded({ ...verified(), publicUrl: 'http://mairie.local:8080' });
    const withPort = 'http://mairie.local:8080/myapp.php?foo=1&bar=2';
    const withoutPort = 'http://mairie.local/myapp.php?foo=1&bar=2';
    await post(app, DOC_PARAMS, twilio.getExpectedTwilioSignature(DOC_TOKEN, withPort, DOC_PARAMS)).expect(
      200,
    );
    await post(app, DOC_PARAMS, twilio.getExpectedTwilioSignature(DOC_TOKEN, withoutPort, DOC_PARAMS)).expect(
      200,
    );
    const otherPort = 'http://mairie.local:8081/myapp.php?foo=1&bar=2';
    await post(app, DOC_PARAMS, twilio.getExpectedTwilioSignature(DOC_TOKEN, otherPort, DOC_PARAMS)).expect(
      403,
    );
    expect(seen).toHaveLength(2);
  });

  it('refuses a request signed for another host than PUBLIC_URL', async () => {
    const { app, seen } = guarded({ ...verified(), publicUrl: 'https://guichet.example.fr' });
    await post(app, DOC_PARAMS, DOC_SIGNATURE).expect(403);
    expect(seen).toHaveLength(0);
  });

  it('refuses a correctly signed webhook of another Twilio account when TWILIO_ACCOUNT_SID is set', async () => {
    const { app, seen } = guarded({ ...verified(), accountSid: ACCOUNT_SID });
    const params = { ...DOC_PARAMS, AccountSid: `AC${'9'.repeat(32)}` };
    await post(app, params, twilio.getExpectedTwilioSignature(DOC_TOKEN, DOC_URL, params)).expect(403);
    const own = { ...DOC_PARAMS, AccountSid: ACCOUNT_SID };
    await post(app, own, twilio.getExpectedTwilioSignature(DOC_TOKEN, DOC_URL, own)).expect(200);
    expect(seen).toHaveLength(1);
  });

  it('without an auth token and without the development flag, refuses everything (channel disabled)', async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (msg: string) => void warnings.push(msg) };
    const app = express();
    app.post(
      '/myapp.php',
      twilioForm,
      twilioSignatureGuard({ skipSignature: false }, logger, 'SMS/WhatsApp'),
      (_req, res) => void res.sendStatus(200),
    );
    await post(app, DOC_PARAMS, DOC_SIGNATURE).expect(403);
    await post(app, DOC_PARAMS).expect(403);
    expect(warnings.join('\n')).toMatch(/Twilio SMS\/WhatsApp channel is disabled/);
  });

  it('in development mode (TWILIO_DEV_SKIP_SIGNATURE) lets unsigned requests through, and says so', async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (msg: string) => void warnings.push(msg) };
    const app = express();
    app.post(
      '/myapp.php',
      twilioForm,
      twilioSignatureGuard({ skipSignature: true }, logger, 'voice'),
      (_req, res) => void res.sendStatus(200),
    );
    await post(app, DOC_PARAMS).expect(200);
    expect(warnings.join('\n')).toMatch(/NOT verified/);
  });

  it('answers 413 to a body above the size limit, before checking anything', async () => {
    const { app, seen } = guarded(verified());
    await post(app, { ...DOC_PARAMS, Body: 'x'.repeat(40_000) }, DOC_SIGNATURE).expect(413);
    expect(seen).toHaveLength(0);
  });
});
