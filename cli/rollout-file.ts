/**
 * A request body from a file: JSON (`.json`) or YAML (`.yaml`, `.yml`; YAML 1.2, so `no` stays a string and a
 * duplicated key is an error). A file that cannot be read or parsed is reported with its path and the parser's
 * message (which names the line and column).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CliError } from './cli-error';
import { exitCodes } from './exit-codes';

const badFile = (file: string, why: string) => new CliError(`${file}: ${why}`, exitCodes.badFile);

export function parseBodyText(file: string, text: string): unknown {
  const extension = path.extname(file).toLowerCase();
  const yaml = extension === '.yaml' || extension === '.yml';
  if (!yaml && extension !== '.json') throw badFile(file, 'not a .json, .yaml or .yml file');
  let body: unknown;
  try {
    body = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message.trim() : String(err);
    throw badFile(file, `not valid ${yaml ? 'YAML' : 'JSON'}: ${message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badFile(file, 'must hold one object (the rollout), not a list or a single value');
  return body;
}

export function readBodyFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw badFile(file, `cannot read: ${why}`);
  }
  return parseBodyText(file, text);
}
