/**
 * The CLI's contract, separate from the process so that it can be tested in-process. Exit codes: 0
 * success, 1 user error, 2 internal error. A user error always prints exactly one line on stderr (also
 * with --json); with --json stdout holds exactly one JSON document: the result, or `{ "error": … }`.
 */
import { isUserError } from '../core/errors';
import { COMMANDS, usage } from './commands';

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** One line: a message built from user text (a name with `\r` or U+2028) must not start another. */
const oneLine = (s: string): string => s.replace(/[\r\n\u2028\u2029\u0085\v\f]+/g, ' ').trim();

const jsonDoc = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

function userError(json: boolean, code: string, message: string, extra: Record<string, unknown> = {}): CliResult {
  const line = oneLine(message);
  return { stdout: json ? jsonDoc({ error: { code, message: line, ...extra } }) : '', stderr: `error: ${line}\n`, code: 1 };
}

export async function runCli(argv: readonly string[]): Promise<CliResult> {
  const json = argv.includes('--json');
  const args = argv.filter((a) => a !== '--json');
  const [name, ...rest] = args;
  const commandList = Object.keys(COMMANDS).join(', ');
  if (name === 'help' || name === '--help' || name === '-h') {
    const commands = Object.entries(COMMANDS).map(([n, c]) => ({ name: n, args: c.args, help: c.help }));
    return { stdout: json ? jsonDoc({ usage: usage(), commands }) : usage(), stderr: '', code: 0 };
  }
  if (!name) {
    const r = userError(json, 'usage', `no command given; commands: ${commandList} (help lists them with their arguments)`);
    return json ? r : { ...r, stdout: usage() };
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) return userError(json, 'usage', `unknown command ${JSON.stringify(name)}; commands: ${commandList}`);
  try {
    const out = await cmd.run(rest);
    const code = out.exitCode ?? 0;
    const stdout = json ? jsonDoc(out.json) : `${out.text}\n`;
    // a command that fails on the user's input (a broken tactic, a module that does not import) still
    // prints its result, and says why it failed in one line
    const stderr = code === 1 ? `error: ${oneLine(out.error ?? `${name} failed`)}\n` : '';
    return { stdout, stderr, code };
  } catch (e) {
    if (isUserError(e)) return userError(json, e.code, e.message, { ...(e.where ? { where: e.where } : {}), ...(e.range ? { range: e.range } : {}) });
    // a bug, not the user's input: the stack helps a report; a stack overflow's stack is only noise
    const overflow = e instanceof RangeError && /call stack/.test(e.message);
    const detail = e instanceof Error ? (overflow ? e.message : (e.stack ?? e.message)) : String(e);
    return { stdout: json ? jsonDoc({ error: { code: 'internal', message: oneLine(e instanceof Error ? e.message : String(e)) } }) : '', stderr: `internal error: ${detail}\n`, code: 2 };
  }
}
