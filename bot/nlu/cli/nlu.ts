// `npm run nlu -- FILE.jsonl`: one `{"text": ...}` per line in, one JSON line per input out:
// {"text","intent","confidence","entities":[{"type","value"}]}. Dates are resolved from the current
// time in Europe/Paris. A malformed line is reported on stderr and skipped; the run goes on.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createNlu } from '../index';

const TIME_ZONE = 'Europe/Paris';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: npm run nlu -- FILE.jsonl   (use - for standard input)\n');
    return 2;
  }
  const nlu = createNlu();
  const input = file === '-' ? process.stdin : createReadStream(file, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let failures = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let text: unknown;
    try {
      const parsed: unknown = JSON.parse(line);
      text =
        parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>).text : undefined;
    } catch (e) {
      failures++;
      process.stderr.write(
        `line ${lineNumber}: invalid JSON (${e instanceof Error ? e.message : String(e)})\n`,
      );
      continue;
    }
    if (typeof text !== 'string') {
      failures++;
      process.stderr.write(`line ${lineNumber}: expected an object with a string "text"\n`);
      continue;
    }
    try {
      const result = nlu.analyze(text, { now: new Date(), timeZone: TIME_ZONE });
      const entities = result.entities.map(({ type, value }) => ({ type, value }));
      process.stdout.write(
        `${JSON.stringify({ text, intent: result.intent, confidence: result.confidence, entities })}\n`,
      );
    } catch (e) {
      failures++;
      process.stderr.write(`line ${lineNumber}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  if (failures > 0) process.stderr.write(`${failures} line(s) skipped\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
