// A real OpenID Connect provider on loopback for the browser sign-in suites (tests/support/oidc-provider.mjs,
// the `oidc-provider` package in its own process since it is ESM): started, and resolved once it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export async function startOidcProvider(port: number, redirectUri: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [path.join(__dirname, 'oidc-provider.mjs'), String(port), redirectUri],
    {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`provider exited (${code})`)));
  });
  return child;
}
