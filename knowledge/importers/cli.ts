// npm run import:annuaire -- FILE [--commune INSEE]
// Prints the facilities of a DILA "Annuaire de l'administration" export (JSON v4 or legacy XML) as JSON, in
// the territory format (paste into knowledge/territories/<id>/facilities.json). Exit code 1 on invalid input.
import { readFile } from 'node:fs/promises';
import { AnnuaireImportError, importAnnuaire } from './annuaire';

const USAGE = 'usage: npm run import:annuaire -- FILE [--commune INSEE]';

function parseArgs(argv: readonly string[]): { file: string; commune?: string } {
  let file: string | undefined;
  let commune: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--commune') {
      commune = argv[++i];
      if (!commune) throw new AnnuaireImportError(`--commune needs an INSEE code\n${USAGE}`);
    } else if (arg.startsWith('--commune=')) {
      commune = arg.slice('--commune='.length);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith('-')) {
      throw new AnnuaireImportError(`unknown option ${arg}\n${USAGE}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new AnnuaireImportError(`one FILE only\n${USAGE}`);
    }
  }
  if (!file) throw new AnnuaireImportError(`missing FILE\n${USAGE}`);
  return commune ? { file, commune } : { file };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let content: string;
  try {
    content = await readFile(args.file, 'utf8');
  } catch (e) {
    throw new AnnuaireImportError(`cannot read ${args.file}: ${(e as Error).message}`);
  }
  const result = importAnnuaire(content, args.commune ? { commune: args.commune } : {});
  for (const s of result.skipped) process.stderr.write(`skipped ${s.name} (${s.id}): ${s.reason}\n`);
  process.stdout.write(`${JSON.stringify(result.facilities, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`import:annuaire: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
