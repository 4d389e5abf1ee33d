/**
 * The Bicep check of `npm test` (scripts/check-bicep.ts): it fails on a lint warning, passes a clean template, and
 * says in one line when there is no compiler, failing only in CI. The compiler is the real one (PATH or the
 * NuGet restore in .tools/bicep/), as in `npm test`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkBicepFile, type CheckOutcome } from '../../scripts/bicep/check-template';
import { report } from '../../scripts/check-bicep';
import { repoRoot } from '../support/bicep-text';

const cacheDir = path.join(repoRoot, '.tools', 'bicep');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bicep-check-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the check on a template written to the temp folder (no bicepconfig.json there: Bicep's default rules). */
async function check(template: string): Promise<CheckOutcome> {
  const file = path.join(dir, 'main.bicep');
  writeFileSync(file, template);
  return checkBicepFile({ file, root: dir, cacheDir });
}

/** Where this machine has no compiler, the check can only say so (and `npm test` fails in CI on that line). */
function expectUnavailableWithoutCompiler(outcome: CheckOutcome): boolean {
  if (outcome.status !== 'unavailable') return false;
  expect(process.env.CI).not.toBe('true');
  expect(outcome.summary).toMatch(/^Bicep check not run: .+\.$/);
  return true;
}

it('fails a template with a lint warning and names the rule and line', async () => {
  const outcome = await check("param unused string\noutput greeting string = 'hello'\n");
  if (expectUnavailableWithoutCompiler(outcome)) return;
  expect(outcome.status).toBe('failed');
  expect(outcome.status === 'failed' && outcome.details).toEqual([expect.stringMatching(/^main\.bicep\(1,7\) Warning no-unused-params: Parameter "unused"/)]);
}, 180_000);

it('fails a template that does not compile', async () => {
  const outcome = await check("output greeting string = missingSymbol\n");
  if (expectUnavailableWithoutCompiler(outcome)) return;
  expect(outcome.status).toBe('failed');
  expect(outcome.status === 'failed' && outcome.details.join('\n')).toMatch(/Error BCP057: The name "missingSymbol" does not exist/);
}, 180_000);

it('passes a clean template', async () => {
  const outcome = await check("param greeting string = 'hello'\noutput message string = '${greeting}, world'\n");
  if (expectUnavailableWithoutCompiler(outcome)) return;
  expect(outcome).toEqual({ status: 'clean', summary: expect.stringMatching(/^Bicep: main\.bicep with Bicep CLI version \d+\.\d+\.\d+ .* builds and lints clean in [\d.]+ s\.$/) });
}, 180_000);

describe('without bicep and dotnet', () => {
  it('says so in one line', async () => {
    const file = path.join(dir, 'main.bicep');
    writeFileSync(file, "output greeting string = 'hello'\n");
    const emptyCache = path.join(dir, 'cache');
    const outcome = await checkBicepFile({ file, root: dir, cacheDir: emptyCache, pathEnv: path.join(dir, 'no-tools') });
    expect(outcome).toEqual({ status: 'unavailable', summary: 'Bicep check not run: neither `bicep` nor the .NET SDK (`dotnet`) is on PATH.' });
  });

  it('fails in CI and is only a note elsewhere', () => {
    const outcome: CheckOutcome = { status: 'unavailable', summary: 'Bicep check not run: neither `bicep` nor the .NET SDK (`dotnet`) is on PATH.' };
    const lines: string[] = [];
    expect(report(outcome, { CI: 'true' }, (line) => lines.push(line), (line) => lines.push(line))).toBe(1);
    expect(report(outcome, {}, (line) => lines.push(line), (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([`${outcome.summary} (CI=true: failing)`, outcome.summary]);
  });
});
