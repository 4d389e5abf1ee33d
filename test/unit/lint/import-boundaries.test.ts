/**
 * The dependency rule bites at any depth: small sources placed at realistic paths are linted with the project's own
 * eslint.config.js. Each import names a file that exists, since an import that resolves nowhere is refused for that
 * reason alone (a separate case below).
 */
import path from 'node:path';
import { ESLint, type Linter } from 'eslint';

const repoRoot = path.resolve(__dirname, '../../..');
let eslint: ESLint;

beforeAll(() => {
  // ESLint loads its config file with import(), which Jest's module sandbox refuses; the same file is handed over
  // directly instead.
  const projectConfig = jest.requireActual<Linter.Config[]>(path.join(repoRoot, 'eslint.config.js'));
  eslint = new ESLint({ cwd: repoRoot, overrideConfigFile: true, overrideConfig: projectConfig });
});

/** A source at `filePath` that imports `specifier` (in the given form) and uses it, so only the import can fail. */
function importing(specifier: string, form: 'import' | 'import type' | 'export from' | 'dynamic import' = 'import'): string {
  switch (form) {
    case 'import':
      return `import * as target from '${specifier}';\nexport const used = target;\n`;
    case 'import type':
      return `import type * as target from '${specifier}';\nexport type Used = typeof target;\n`;
    case 'export from':
      return `export * from '${specifier}';\n`;
    case 'dynamic import':
      return `export const load = () => import('${specifier}');\n`;
  }
}

async function lintMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('forbidden imports fail lint, however deep the importing file', () => {
  test.each([
    ['domain/rollouts/x.ts', '../../adapters/cosmos/rollout-store', 'domain/ may not import adapters/'],
    ['domain/rollouts/deeper/x.ts', '../../../functions/config', 'domain/ may not import functions/'],
    ['devhost/durable/x.ts', '../../domain/rollouts/rollout-status', 'devhost/ may not import domain/'],
    ['application/rollouts/x.ts', '../../functions/http/rollouts-api', 'application/ may not import functions/'],
    ['application/rollouts/x.ts', '../../adapters/cosmos/rollout-store', 'application/ may not import adapters/'],
    ['device-agent/agent/x.ts', '../../adapters/signing/jwks', 'device-agent/ may not import adapters/'],
    ['device-agent/agent/x.ts', '../../local-iothub/sas', 'device-agent/ may not import local-iothub/'],
    ['orchestrations/x.ts', '../activities/rollout-activities', 'orchestrations/ may not import activities/'],
    ['activities/x.ts', '../orchestrations/wave-orchestrator', 'activities/ may not import orchestrations/'],
    ['adapters/cosmos/x.ts', '../../functions/config', 'adapters/ may not import functions/'],
    ['functions/http/x.ts', '../../devhost/host', 'functions/ may not import devhost/'],
    ['functions/http/x.ts', '../../scripts/local-principal', 'functions/ may not import scripts/'],
    ['dashboard/web/views/x.ts', '../../../adapters/cosmos/rollout-store', 'dashboard/ may not import adapters/'],
    ['cli/commands/x.ts', '../../functions/config', 'cli/ may not import functions/'],
    ['local-iothub/virtual-devices/x.ts', '../../devhost/host', 'local-iothub/ may not import devhost/'],
    ['local-iothub/mqtt/x.ts', '../../domain/fleet/device', 'local-iothub/ may not import domain/'],
    ['delta/candidates/x.ts', '../../domain/rollouts/rollout-status', 'delta/ may not import domain/'],
    ['common/x.ts', '../domain/rollouts/rollout-status', 'common/ may not import domain/'],
    ['scripts/x.ts', '../test/support/bicep-text', 'scripts/ may not import test/'],
  ])('%s importing %s', async (filePath, specifier, refusal) => {
    const messages = await lintMessages(filePath, importing(specifier));
    expect(messages).toEqual([expect.stringContaining(`boundaries/dependencies: ${refusal}`)]);
  });

  test.each(['import type', 'export from', 'dynamic import'] as const)('%s is checked like an import', async (form) => {
    const messages = await lintMessages('domain/rollouts/x.ts', importing('../../adapters/cosmos/rollout-store', form));
    expect(messages).toEqual([expect.stringContaining('boundaries/dependencies: domain/ may not import adapters/')]);
  });

  test('an import that lands outside the project folders, or nowhere, is refused', async () => {
    for (const specifier of ['../../package.json', '../../adapters/cosmos/no-such-file']) {
      const messages = await lintMessages('domain/rollouts/x.ts', importing(specifier));
      expect(messages).toEqual([expect.stringContaining('domain/ may not import a file outside the project folders')]);
    }
  });

  test('a file in a top-level folder the rule does not know fails lint', async () => {
    const messages = await lintMessages('new-layer/x.ts', 'export const answer = 42;\n');
    expect(messages).toEqual([expect.stringContaining('boundaries/no-unknown-files')]);
  });
});

describe('allowed imports pass', () => {
  test.each([
    ['domain/rollouts/x.ts', './rollout-status'],
    ['domain/rollouts/x.ts', '../fleet/device'],
    ['domain/rollouts/x.ts', '../../common/iso-duration'],
    ['orchestrations/x.ts', '../domain/rollouts/rollout-status'],
    ['application/rollouts/x.ts', '../../domain/rollouts/rollout-status'],
    ['activities/x.ts', '../orchestrations/contracts'],
    ['activities/x.ts', '../orchestrations/import-contracts'],
    ['adapters/cosmos/x.ts', '../../domain/rollouts/rollout-status'],
    ['functions/http/x.ts', '../../adapters/cosmos/rollout-store'],
    ['functions/http/x.ts', '../../orchestrations/rollout-orchestrator'],
    ['devhost/durable/x.ts', '../../common/iso-duration'],
    ['dashboard/web/views/x.ts', '../../../domain/rollouts/rollout-status'],
    ['cli/commands/x.ts', '../../domain/rollouts/rollout-status'],
    ['local-iothub/virtual-devices/x.ts', '../../device-agent/verify-update'],
    ['local-iothub/virtual-devices/x.ts', '../../delta'],
    ['device-agent/agent/x.ts', '../../delta'],
    ['scripts/x.ts', '../devhost/host'],
    ['bench/support/x.ts', '../../local-iothub/sas'],
    ['reliability/support/x.ts', '../../functions/config'],
    ['test/unit/domain/x.test.ts', '../../../adapters/cosmos/rollout-store'],
  ])('%s importing %s', async (filePath, specifier) => {
    expect(await lintMessages(filePath, importing(specifier))).toEqual([]);
  });
});
