// The limit: a bare express route answering a small JSON body, run as its own process like Guichet,
// loaded by the same generator. Guichet's throughput is reported as a ratio of this.
import express from 'express';

const app = express();
app.use(express.urlencoded({ extended: false, limit: '16kb' }));
app.use(express.json({ limit: '16kb' }));
app.post('/bare', (req, res) => {
  res
    .type('text/xml')
    .send(
      `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${String(req.body?.Body ?? 'ok').slice(0, 100)}</Message></Response>`,
    );
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`LISTENING ${typeof address === 'object' && address ? address.port : 0}\n`);
});
