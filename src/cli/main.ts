/**
 * The command line over core: `npm run -s cli -- <command> [args] [--json]`. The contract (exit codes,
 * one line on stderr for a user error, one JSON document with --json) is in run.ts.
 */
import { runCli } from './run';

// exitCode rather than process.exit(): exit() would cut off a large JSON document still being written to a pipe.
void runCli(process.argv.slice(2)).then((r) => {
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  process.exitCode = r.code;
});
