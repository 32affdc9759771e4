// The command-line tools, run as a user would (through tsx, like `npm run nlu`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function run(script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(TSX, [path.join(__dirname, 'cli', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run nlu', () => {
  it('writes one JSON line per input and survives malformed lines', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nlu-cli-'));
    const file = path.join(dir, 'in.jsonl');
    writeFileSync(
      file,
      [
        '{"text":"bjr la piscine est ouverte demain ?"}',
        'this is not json',
        '{"nottext": 1}',
        '',
        '{"text":"suivi DEM-2026-000042"}',
      ].join('\n'),
    );
    const r = run('nlu.ts', [file]);
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      text: 'bjr la piscine est ouverte demain ?',
      intent: 'opening_hours',
      entities: expect.arrayContaining([{ type: 'facility', value: 'piscine' }]),
    });
    expect(typeof lines[0]?.confidence).toBe('number');
    expect(lines[1]).toMatchObject({
      intent: 'request_status',
      entities: [{ type: 'reference', value: 'DEM-2026-000042' }],
    });
    expect(r.stderr).toMatch(/line 2/);
    expect(r.stderr).toMatch(/line 3/);
  });
});

describe('npm run nlu:eval', () => {
  it('prints per-intent accuracy, macro-F1, entity accuracy and confusions', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nlu-eval-'));
    const file = path.join(dir, 'gold.jsonl');
    writeFileSync(
      file,
      [
        '{"text":"horaires de la piscine ?","intent":"opening_hours","facility":"piscine"}',
        '{"text":"je voudrais un conseiller","intent":"human_agent"}',
        '{"text":"piscine demain","intent":"opening_hours","facility":"piscine","date":"2026-05-14"}',
        '{"text":"bonjour","intent":"cancel"}',
      ].join('\n'),
    );
    const r = run('eval.ts', [file, '--now', '2026-05-13T10:00:00Z']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/opening_hours\s+2\/2\s+100\.0%/);
    expect(r.stdout).toMatch(/Overall accuracy: 75\.0% \(4 utterances\)/);
    expect(r.stdout).toMatch(/Macro-F1: \d\.\d{3}/);
    expect(r.stdout).toMatch(/facility\s+2\/2 100\.0%/);
    expect(r.stdout).toMatch(/date\s+1\/1 100\.0%/);
    expect(r.stdout).toMatch(/cancel → greeting: bonjour/);
  });
});
