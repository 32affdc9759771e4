// A citizen at the counter who leaves an e-mail address gets the receipt by e-mail: the outbox relay hands it to
// a real SMTP server on loopback (the `smtp-server` package) through nodemailer, with the reference, the bot's
// confirmation and the territory's name.
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import request from 'supertest';
import { SMTPServer } from 'smtp-server';
import type { Container } from '../../server/container';
import { BAN_API } from '../conversations/ban-fixtures';
import { DEMO_TENANT } from '../support/harness';
import { backofficeContainer, bearer, issueToken, CONTAINER_TIMEOUT_MS } from './support';

interface Mail {
  from: string;
  to: string[];
  data: string;
}

describe('desk receipt by e-mail (real SMTP server on loopback)', () => {
  let container: Container;
  let smtp: SMTPServer;
  const received: Mail[] = [];

  beforeAll(async () => {
    nock(BAN_API).persist().get('/search/').query(true).reply(503);
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const port = (smtp.server.address() as AddressInfo).port;
    container = await backofficeContainer({
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_FROM: 'Mairie de Vernière <ne-pas-repondre@verniere.example>',
      OUTBOX_RELAY: 'true',
      OUTBOX_POLL_MS: '100',
    });
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    nock.cleanAll();
    await container?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('sends the confirmation to the address given at the counter, then the status notices', async () => {
    const agent = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT })).token;
    const res = await request(container.app)
      .post('/api/v1/desk/requests')
      .set(bearer(agent))
      .send({
        service: 'report_incident',
        channel: 'desk',
        fields: {
          category: 'category:graffiti',
          location: 'mur de la salle des fêtes',
          commune: 'commune:verniere',
          description: 'Tag sur le mur de la salle des fêtes',
          contact: 'jeanne.martin@example.org',
        },
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ sms: 'none', email: 'queued' });
    const reference = res.body.reference as string;
    const deadline = Date.now() + 20_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.to).toEqual(['jeanne.martin@example.org']);
    expect(mail.from).toBe('ne-pas-repondre@verniere.example');
    // The body may be folded (quoted-printable): compare without soft line breaks.
    const body = mail.data.replace(/=\r?\n/g, '');
    expect(body).toContain(reference);
    // The subject is MIME-encoded (accents): it names the request.
    expect(body).toMatch(new RegExp(`Subject: .*Votre_demande_${reference}`));

    // Later, an agent moves the request on: the citizen, who has no conversation to be told in, gets an e-mail.
    const moved = await request(container.app)
      .post(`/api/v1/requests/${reference}/status`)
      .set(bearer(agent))
      .send({ status: 'in_progress', note: 'Le nettoyage est prévu jeudi.' });
    expect(moved.status).toBe(200);
    const until = Date.now() + 20_000;
    while (received.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(2);
    const notice = received[1]!.data.replace(/=\r?\n/g, '');
    expect(received[1]!.to).toEqual(['jeanne.martin@example.org']);
    expect(notice).toContain(reference);
    expect(notice).toContain('jeudi');
  });
});
