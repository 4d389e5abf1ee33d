/**
 * Builds and lints one Bicep file with the real compiler. Clean means: both commands succeed, the build emits an
 * ARM template, and neither reports an error or a warning (the rules and their levels are in bicepconfig.json).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { formatDiagnostic, parseDiagnostics, type BicepDiagnostic } from './bicep-diagnostics';
import { locateBicep } from './locate-bicep';

const run = promisify(execFile);

export type CheckOutcome =
  | { status: 'clean'; summary: string }
  | { status: 'failed'; summary: string; details: string[] }
  | { status: 'unavailable'; summary: string };

export interface CheckOptions {
  /** The .bicep file to check. */
  file: string;
  /** Paths in messages are shown relative to this folder. */
  root: string;
  /** Where a NuGet-restored compiler is kept. */
  cacheDir: string;
  pathEnv?: string | undefined;
}

export async function checkBicepFile(options: CheckOptions): Promise<CheckOutcome> {
  const started = Date.now();
  const location = await locateBicep({ cacheDir: options.cacheDir, pathEnv: options.pathEnv });
  if (!location.found) return { status: 'unavailable', summary: `Bicep check not run: ${location.reason}.` };

  const version = (await run(location.binary, ['--version'])).stdout.trim();
  const [build, lint] = await Promise.all([
    runBicep(location.binary, ['build', options.file, '--stdout']),
    runBicep(location.binary, ['lint', options.file]),
  ]);

  const problems: string[] = [];
  const relative = (file: string): string => path.relative(options.root, file) || file;
  for (const [name, result] of [['build', build], ['lint', lint]] as const) {
    if (result.exitCode !== 0 && parseDiagnostics(result.stderr).length === 0) {
      problems.push(`bicep ${name} exited with ${result.exitCode}: ${result.stderr.trim() || '(no output)'}`);
    }
  }
  if (build.exitCode === 0 && !isArmTemplate(build.stdout)) problems.push('bicep build printed no ARM template');

  const failing = unique([...parseDiagnostics(build.stderr), ...parseDiagnostics(lint.stderr)]).filter((d) => d.level !== 'Info');
  problems.push(...failing.map((d) => formatDiagnostic(d, relative)));

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const what = `${relative(options.file)} with ${version} (${location.source})`;
  if (problems.length === 0) return { status: 'clean', summary: `Bicep: ${what} builds and lints clean in ${seconds} s.` };
  return { status: 'failed', summary: `Bicep: ${what}: ${failing.length} error(s)/warning(s), ${problems.length - failing.length} other problem(s).`, details: problems };
}

interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function runBicep(binary: string, args: string[]): Promise<RunResult> {
  try {
    const { stdout, stderr } = await run(binary, args, { maxBuffer: 64 * 1024 * 1024 });
    return { exitCode: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: unknown; stderr?: unknown };
    if (typeof e.code !== 'number') throw err;
    return { exitCode: e.code, stdout: String(e.stdout ?? ''), stderr: String(e.stderr ?? '') };
  }
}

function isArmTemplate(json: string): boolean {
  try {
    const template = JSON.parse(json) as { $schema?: unknown; resources?: unknown };
    return typeof template.$schema === 'string' && template.resources !== undefined;
  } catch {
    return false;
  }
}

/** The build runs the linter too: the same finding appears in both outputs. */
function unique(diagnostics: BicepDiagnostic[]): BicepDiagnostic[] {
  const seen = new Map<string, BicepDiagnostic>();
  for (const d of diagnostics) seen.set(`${d.file}|${d.line}|${d.column}|${d.code}`, d);
  return [...seen.values()];
}
