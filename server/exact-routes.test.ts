// The lookup ahead of the router: the same guards and handlers as through the router, each run once, and errors
// handled by the app's error handlers.
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import request from 'supertest';
import { exactRoutes } from './exact-routes';

/** An app as createApp builds it: the lookup, the `before` guards, the router (the same route mounted), errors. */
function appWith(handlers: RequestHandler[]) {
  const seen: string[] = [];
  const guard: RequestHandler = (req, res, next) => {
    seen.push(`guard ${req.method} ${req.originalUrl}`);
    if (req.get('x-refuse')) {
      res.status(429).json({ refused: true });
      return;
    }
    res.setHeader('X-Guarded', 'yes');
    next();
  };
  const app = express();
  app.use(exactRoutes([{ method: 'POST', path: '/hooks/sms', handlers }], [guard]));
  app.use(guard);
  const router = express.Router();
  router.post('/sms', ...handlers);
  app.use('/hooks', router);
  const fallback: ErrorRequestHandler = (error: Error, req, res, next) => {
    if (error.message !== 'store down') return next(error);
    res.status(200).type('text/xml').send(`<Response><Message>fallback ${req.path}</Message></Response>`);
  };
  app.use('/hooks', fallback);
  app.use(((error: Error, _req, res, _next) => {
    res.status(500).json({ error: error.message });
  }) as ErrorRequestHandler);
  return { app, seen };
}

const answering: RequestHandler[] = [
  (req, _res, next) => {
    (req as { step?: string }).step = 'parsed';
    next();
  },
  (req, res) => {
    res.status(200).json({ step: (req as { step?: string }).step, path: req.path });
  },
];

describe('exact routes', () => {
  it('runs the guards once, then the route’s handlers in order, for its method and path, query string or not', async () => {
    const { app, seen } = appWith(answering);
    const res = await request(app).post('/hooks/sms').expect(200);
    expect(res.body).toEqual({ step: 'parsed', path: '/hooks/sms' });
    expect(res.headers['x-guarded']).toBe('yes');
    await request(app).post('/hooks/sms?retry=1').expect(200);
    expect(seen).toEqual(['guard POST /hooks/sms', 'guard POST /hooks/sms?retry=1']);
  });

  it('leaves other requests to the router, which still answers the same route (trailing slash, case)', async () => {
    const { app, seen } = appWith(answering);
    expect((await request(app).post('/hooks/sms/').expect(200)).body.step).toBe('parsed');
    expect((await request(app).post('/Hooks/SMS').expect(200)).body.step).toBe('parsed');
    await request(app).get('/hooks/sms').expect(404);
    expect(seen).toEqual(['guard POST /hooks/sms/', 'guard POST /Hooks/SMS', 'guard GET /hooks/sms']);
  });

  it('stops at a guard that answers', async () => {
    const { app } = appWith([
      (_req, res) => {
        res.status(200).json({ reached: true });
      },
    ]);
    expect((await request(app).post('/hooks/sms').set('x-refuse', '1').expect(429)).body).toEqual({
      refused: true,
    });
  });

  it.each([
    ['next(error)', ((_req, _res, next) => next(new Error('store down'))) as RequestHandler],
    [
      'a thrown error',
      (() => {
        throw new Error('store down');
      }) as RequestHandler,
    ],
    [
      'a rejected promise',
      (async () => {
        await Promise.resolve();
        throw new Error('store down');
      }) as RequestHandler,
    ],
  ])('gives %s to the app’s error handlers, the route’s own included', async (_name, failing) => {
    const { app } = appWith([failing]);
    const res = await request(app).post('/hooks/sms').expect(200);
    expect(res.text).toBe('<Response><Message>fallback /sms</Message></Response>');
    const other = appWith([
      () => {
        throw new Error('bug');
      },
    ]);
    expect((await request(other.app).post('/hooks/sms').expect(500)).body).toEqual({ error: 'bug' });
  });
});
