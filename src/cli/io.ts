import { readFileSync } from 'node:fs';
import { UserError } from '../core/errors';
import type { Config } from '../core/io/config';
import { validateConfig } from '../core/io/validate';

/** Reads and validates a Config file; every failure is a UserError naming the file. */
export function readConfigFile(path: string | undefined): Config {
  if (!path) throw new UserError('usage', 'missing <config.json> argument');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError('file', `cannot read config file "${path}"`, { where: path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError('json', `${path}: not valid JSON (${(e as Error).message})`, { where: path });
  }
  try {
    return validateConfig(json);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.code, `${path}: ${e.message}`, { where: e.where, range: e.range });
    throw e;
  }
}

export function readTextFile(path: string | undefined, what: string): string {
  if (!path) throw new UserError('usage', `missing <${what}> argument`);
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UserError('file', `cannot read ${what} "${path}"`, { where: path });
  }
}
