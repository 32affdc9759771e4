// One HTTP(S) POST to an address checked beforehand (webhook-address.ts): the connection goes to that address
// whatever DNS answers now, while TLS still verifies the certificate for the URL's host name. Redirects are not
// followed (a 3xx is an answer like any other).
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export interface PinnedTarget {
  address: string;
  family: 4 | 6;
}

/** Resolves with the receiver's HTTP status. */
export function postPinned(
  url: string,
  target: PinnedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = new URL(url).protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        response.resume(); // frees the connection
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
