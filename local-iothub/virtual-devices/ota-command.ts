/**
 * The command a device reads from `desired.ota.command` (see docs/device-twin-contract.md), checked before any
 * field is relied on: the service writes it, but a device must not crash on a malformed one, it reports it.
 *
 * Looser than the reference agent's parser (device-agent/agent/command.ts) on purpose: a virtual device keeps files
 * in memory, so it needs no plain file names or fetchable URLs, and it stands in for any device that follows the
 * contract, which need not check more than the fields it uses. The agent writes files to disk and must refuse more.
 */
import { isObject, type Json } from '../hub-state';

export interface CommandDelta {
  baseVersion: string;
  url: string;
}

export interface CommandFile {
  fileName: string;
  /** Absent for a container image, which its registry serves by the digest the signed manifest binds. */
  url?: string;
  deltas: CommandDelta[];
}

export interface OtaCommand {
  id: string;
  kind: 'install' | 'restore';
  /** `name` may be empty (then the command is about the device's main update). */
  update: { name: string; version: string };
  signedManifest?: string;
  files: CommandFile[];
}

export type ParsedCommand = { ok: true; command: OtaCommand } | { ok: false; id: string; problem: string };

/** The command's id, the only field a device needs to decide whether it has seen the command. */
export function commandIdOf(command: Json | undefined): string | undefined {
  return isObject(command) && typeof command.id === 'string' && command.id !== '' ? command.id : undefined;
}

/** Undefined when there is no command (or no id to answer it by). */
export function parseCommand(command: Json | undefined): ParsedCommand | undefined {
  const id = commandIdOf(command);
  if (id === undefined || !isObject(command)) return undefined;
  const problem = (text: string): ParsedCommand => ({ ok: false, id, problem: `the command ${text}` });
  const { kind, update, signedManifest, files = [] } = command;
  if (kind !== 'install' && kind !== 'restore') return problem(`has kind ${JSON.stringify(kind)}, expected install or restore`);
  if (!isObject(update) || typeof update.version !== 'string' || update.version === '') return problem('has no update.version');
  if (update.name !== undefined && typeof update.name !== 'string') return problem('has an update.name that is not a string');
  if (signedManifest !== undefined && typeof signedManifest !== 'string') return problem('has a signedManifest that is not a string');
  if (!Array.isArray(files)) return problem('has files that are not a list');
  const parsedFiles: CommandFile[] = [];
  for (const file of files) {
    const parsed = parseFile(file);
    if (typeof parsed === 'string') return problem(parsed);
    parsedFiles.push(parsed);
  }
  return {
    ok: true,
    command: {
      id,
      kind,
      update: { name: update.name ?? '', version: update.version },
      ...(signedManifest === undefined ? {} : { signedManifest }),
      files: parsedFiles,
    },
  };
}

function parseFile(file: Json): CommandFile | string {
  if (!isObject(file) || typeof file.fileName !== 'string') return `has a file without fileName: ${JSON.stringify(file)}`;
  if (file.url !== undefined && typeof file.url !== 'string') return `has a url of ${file.fileName} that is not a string`;
  const deltas = file.deltas ?? [];
  if (!Array.isArray(deltas)) return `has deltas of ${file.fileName} that are not a list`;
  const parsedDeltas: CommandDelta[] = [];
  for (const delta of deltas) {
    if (!isObject(delta) || typeof delta.baseVersion !== 'string' || typeof delta.url !== 'string') return `has a delta of ${file.fileName} without baseVersion and url`;
    parsedDeltas.push({ baseVersion: delta.baseVersion, url: delta.url });
  }
  return { fileName: file.fileName, ...(typeof file.url === 'string' ? { url: file.url } : {}), deltas: parsedDeltas };
}
