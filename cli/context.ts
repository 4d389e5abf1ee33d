/**
 * What every command gets: the API client for --url with the caller's credentials, the printer for --output, and
 * the streams (a terminal or not decides between live bars and plain lines).
 */
import { Command } from 'commander';
import { ApiClient } from './api-client';
import { authHeaders, authModeOf } from './auth';
import { CliError } from './cli-error';
import { exitCodes } from './exit-codes';
import { printer, type OutputFormat, type Printer } from './output';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

export interface GlobalOptions {
  url: string;
  output: OutputFormat;
  as?: string;
  role: string[];
  group: string[];
  scope?: string;
}

export interface CommandContext {
  api: ApiClient;
  out: Printer;
  io: CliIo;
  /** The exit code the command ends with (0 unless set). */
  exitWith(code: number): void;
}

function baseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`--url '${url}' is not a URL (e.g. http://127.0.0.1:7071 or https://<app>.azurewebsites.net)`, exitCodes.usage);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(`--url '${url}' must start with http:// or https://`, exitCodes.usage);
  return parsed.toString();
}

export function contextOf(command: Command, io: CliIo, exitWith: (code: number) => void): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  return {
    api: new ApiClient(baseUrl(options.url), authHeaders(authModeOf(options))),
    out: printer(options.output, (text) => io.stdout.write(text)),
    io,
    exitWith,
  };
}
