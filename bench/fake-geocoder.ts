// A local stand-in for the national address API during the bench (the bench machine has no internet,
// and the bench measures Guichet, not a remote API). Answers GeoCodeJSON like api-adresse.data.gouv.fr.
import http from 'node:http';

/** `delayMs` makes every answer slow (the deployment test keeps turns in flight when it kills an instance). */
export function startFakeGeocoder(
  delayMs = 0,
): Promise<{ url: string; close: () => void; pending: () => number }> {
  let pending = 0;
  const server = http.createServer((req, res) => {
    pending += 1;
    setTimeout(() => {
      pending -= 1;
      answer(req, res);
    }, delayMs);
  });
  const answer = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams.get('q') ?? '';
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        type: 'FeatureCollection',
        version: 'draft',
        features: [
          {
            type: 'Feature',
            geometry: {
              type: 'Point',
              coordinates: [6.0241 + Math.random() * 0.01, 47.2378 + Math.random() * 0.01],
            },
            properties: {
              label: `${q} 25971 Montcey-sur-Loue`,
              score: 0.92,
              citycode: '25971',
              postcode: '25971',
              city: 'Montcey-sur-Loue',
              type: 'housenumber',
            },
          },
        ],
        query: q,
      }),
    );
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({
        url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`,
        close: () => server.close(),
        /** Questions received and not answered yet: a turn waiting on the address API. */
        pending: () => pending,
      });
    }),
  );
}
