/**
 * Runs one `ota` command line and returns its exit code. Every failure ends as one readable message on stderr and
 * an exit code (exit-codes.ts); a stack trace only with OTA_DEBUG=1, for a bug report.
 */
import { CommanderError } from 'commander';
import { CliError } from './cli-error';
import type { CliIo } from './context';
import { exitCodes } from './exit-codes';
import { buildProgram } from './program';

export async function main(argv: readonly string[], io: CliIo, debug = false): Promise<number> {
  let exitCode: number = exitCodes.ok;
  const program = buildProgram(io, (code) => { exitCode = code; });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander printed the message (or the help) already.
      return err.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    if (err instanceof CliError) {
      io.stderr.write(`ota: ${err.message}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`ota: unexpected error: ${message}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return exitCodes.unexpected;
  }
}
