/**
 * `npm test` step (and `npm run bicep:check`): builds and lints infra/main.bicep with the real Bicep compiler —
 * `bicep` on PATH, else the pinned NuGet package restored with the .NET SDK into .tools/bicep/ (git-ignored).
 * Zero errors and zero warnings pass. Without `bicep` and `dotnet` it says so in one line, which fails in CI
 * (CI=true) and is only a note elsewhere.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkBicepFile, type CheckOutcome } from './bicep/check-template';

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const root = repositoryRoot(__dirname);
  const outcome = await checkBicepFile({
    file: path.join(root, 'infra', 'main.bicep'),
    root,
    cacheDir: path.join(root, '.tools', 'bicep'),
    pathEnv: env.PATH,
  });
  return report(outcome, env, (line) => console.error(line), (line) => console.log(line));
}

/** Prints the outcome and returns the exit code: a missing compiler fails only in CI. */
export function report(outcome: CheckOutcome, env: NodeJS.ProcessEnv, error: (line: string) => void, info: (line: string) => void): number {
  if (outcome.status === 'clean') {
    info(outcome.summary);
    return 0;
  }
  if (outcome.status === 'unavailable') {
    const inCi = /^(1|true)$/i.test(env.CI ?? '');
    error(inCi ? `${outcome.summary} (CI=true: failing)` : outcome.summary);
    return inCi ? 1 : 0;
  }
  for (const line of outcome.details) error(line);
  error(outcome.summary);
  return 1;
}

/** Runs from scripts/ (ts-jest) and from dist/scripts/ (npm test): the first folder up that holds infra/main.bicep. */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'infra', 'main.bicep'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no infra/main.bicep above ${from}`);
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`Bicep check failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
