import express from 'express';
import request from 'supertest';
import { silentLogger } from '../../bot/logger';
import { securityHeaders } from './headers';
import { requestSizeGuard } from './size-limits';
import { createSecurityLayer } from '.';

function appWith(...handlers: express.RequestHandler[]) {
  const app = express();
  for (const h of handlers) app.use(h);
  app.post('/echo', express.json({ limit: '1mb' }), (req, res) => {
    res.json({ size: JSON.stringify(req.body ?? null).length });
  });
  app.get('/page', (_req, res) => {
    res.type('html').send('<p>ok</p>');
  });
  return app;
}

const directives = (csp: string): Map<string, string[]> =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  );

describe('security headers', () => {
  it('sends a CSP that allows only our own scripts, styles and connections, WebSocket included', async () => {
    const res = await request(appWith(securityHeaders({ publicUrl: 'https://guichet.example.fr' })))
      .get('/page')
      .expect(200);
    const csp = directives(res.headers['content-security-policy'] as string);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", 'wss://guichet.example.fr']);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'self'"]);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
  });

  it('does not announce HSTS for a plain-http deployment, and allows ws: there', async () => {
    const res = await request(appWith(securityHeaders({ publicUrl: 'http://localhost:3000' })))
      .get('/page')
      .expect(200);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(directives(res.headers['content-security-policy'] as string).get('connect-src')).toContain(
      'ws://localhost:3000',
    );
  });
});

describe('request size guard', () => {
  const app = appWith(requestSizeGuard({ maxBodyBytes: 1000, maxUrlLength: 200 }));

  it('refuses a declared body above the limit with 413 before reading it', async () => {
    const res = await request(app)
      .post('/echo')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ a: 'x'.repeat(2000) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses an overlong URL with 414', async () => {
    const long = await request(app).get(`/page?q=${'a'.repeat(300)}`);
    expect(long.status).toBe(414);
    expect(long.body.error.code).toBe('BAD_REQUEST');
  });

  it('lets ordinary requests through', async () => {
    const res = await request(app).post('/echo').send({ text: 'bonjour' }).expect(200);
    expect(res.body.size).toBeGreaterThan(0);
  });
});

describe('security layer without rate limits', () => {
  it('is size guard + headers only (rate limits can be turned off for load tests)', () => {
    const layer = createSecurityLayer({ logger: silentLogger });
    expect(layer.before).toHaveLength(2);
    expect(layer.limiter).toBeUndefined();
  });
});
