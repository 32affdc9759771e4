// The Twilio webhooks' form body: what Twilio sends is read as it means it, and anything else gets a clear 4xx
// through the app's JSON error handler, never a 500.
import express from 'express';
import request from 'supertest';
import { silentLogger } from '../../bot/logger';
import { TWILIO_PARAMETER_LIMIT, twilioForm } from '../../channels/twilio-common';
import { jsonErrorHandler } from '../../server/http-errors';

function echo() {
  const app = express();
  app.post('/hook', twilioForm, (req, res) => {
    res.json({
      parsed: req.body !== undefined,
      body: req.body ?? null,
      polluted: ({} as { x?: unknown }).x !== undefined,
    });
  });
  app.use(jsonErrorHandler(silentLogger));
  return app;
}

const form = (body: string) =>
  request(echo()).post('/hook').set('Content-Type', 'application/x-www-form-urlencoded').send(body);

describe('the Twilio form body', () => {
  it('reads the parameters with their accents, spaces and signs, as Twilio encodes them', async () => {
    const body = new URLSearchParams({
      Body: 'Où est la déchetterie ? 3+2=5 & 🚲',
      From: '+33612345678',
      To: 'whatsapp:+33939980101',
    }).toString();
    const res = await form(body).expect(200);
    expect(res.body.body).toEqual({
      Body: 'Où est la déchetterie ? 3+2=5 & 🚲',
      From: '+33612345678',
      To: 'whatsapp:+33939980101',
    });
  });

  it('gives a repeated name as a list, and `__proto__` or `constructor` as plain fields', async () => {
    const res = await form(
      'MediaUrl0=a&MediaUrl0=b&MediaUrl0=c&__proto__[x]=1&__proto__=x&constructor=y&Body=',
    ).expect(200);
    expect(res.body.body).toEqual({
      MediaUrl0: ['a', 'b', 'c'],
      '__proto__[x]': '1',
      ['__proto__']: 'x',
      constructor: 'y',
      Body: '',
    });
    expect(res.body.polluted).toBe(false);
  });

  it('answers 413 past the parameter limit, before reading any of them', async () => {
    const many = Array.from({ length: TWILIO_PARAMETER_LIMIT + 1 }, (_, i) => `p${i}=1`).join('&');
    expect((await form(many).expect(413)).body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const enough = Array.from({ length: TWILIO_PARAMETER_LIMIT }, (_, i) => `p${i}=1`).join('&');
    expect(Object.keys((await form(enough).expect(200)).body.body)).toHaveLength(TWILIO_PARAMETER_LIMIT);
  });

  it('answers 413 to a body above 32 kB', async () => {
    const res = await form(`Body=${'a'.repeat(33 * 1024)}`).expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 415 to another charset or a compressed body', async () => {
    const latin1 = await request(echo())
      .post('/hook')
      .set('Content-Type', 'application/x-www-form-urlencoded; charset=iso-8859-1')
      .send('Body=caf%E9')
      .expect(415);
    expect(latin1.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const gzip = await request(echo())
      .post('/hook')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Content-Encoding', 'gzip')
      .send('Body=x')
      .expect(415);
    expect(gzip.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    await request(echo())
      .post('/hook')
      .set('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8')
      .send('Body=ok')
      .expect(200);
  });

  it('leaves another media type or an empty request unread', async () => {
    const json = await request(echo()).post('/hook').send({ Body: 'x' }).expect(200);
    expect(json.body.parsed).toBe(false);
    expect((await request(echo()).post('/hook').expect(200)).body.parsed).toBe(false);
    expect((await form('').expect(200)).body.body).toEqual({});
  });
});
