/**
 * The command line over core: `npm run -s cli -- <command> [args] [--json]`.
 * With --json every command prints exactly one JSON document on stdout. Exit codes: 0 success,
 * 1 user error (one clear line on stderr, no stack trace), 2 internal error.
 */
import { isUserError } from '../core/errors';
import { COMMANDS, usage } from './commands';

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const args = argv.filter((a) => a !== '--json');
  const [name, ...rest] = args;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`error: unknown command "${name}"\n${usage()}`);
    return 1;
  }
  const out = await cmd.run(rest);
  process.stdout.write(json ? `${JSON.stringify(out.json, null, 2)}\n` : `${out.text}\n`);
  return out.exitCode ?? 0;
}

// exitCode rather than process.exit(): exit() would cut off a large JSON document still being written to a pipe.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (isUserError(e)) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
