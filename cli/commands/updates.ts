/** `ota updates list|show`: the registered updates. */
import type { Command } from 'commander';
import type { Update } from '../../domain/updates/update';
import type { Act } from '../action';
import { CliError } from '../cli-error';
import { exitCodes } from '../exit-codes';
import { fields, table } from '../output';

const updateName = (u: Update) => `${u.updateId.provider}/${u.updateId.name}/${u.updateId.version}`;
const compatibility = (u: Update) => u.compatibility.map((set) => Object.entries(set).map(([k, v]) => `${k}=${v}`).join(' ')).join('; ');

/** `contoso/line-controller/2.0.0` → the three parts of the update id. */
export function parseUpdateId(text: string): { provider: string; name: string; version: string } {
  const parts = text.split('/');
  if (parts.length !== 3 || parts.some((part) => part === '')) {
    throw new CliError(`'${text}' is not an update id: write provider/name/version, e.g. contoso/line-controller/2.0.0`, exitCodes.usage);
  }
  const [provider, name, version] = parts as [string, string, string];
  return { provider, name, version };
}

export function registerUpdateCommands(program: Command, act: Act): void {
  const updates = program.command('updates').description('registered updates');

  updates.command('list')
    .description('list registered updates')
    .option('--name <name>', 'only updates of this name')
    .option('--provider <provider>', 'only updates of this provider')
    .action(act<{ name?: string; provider?: string }>(async ({ api, out }, _args, options) => {
      const list = (await api.get<{ items: Update[] }>('updates', { name: options.name, provider: options.provider, limit: 200 })).items;
      out.print(list, (rows) => table(rows, [
        { header: 'update', value: updateName },
        { header: 'compatibility', value: compatibility },
        { header: 'files', value: (u) => u.files.length },
        { header: 'signed', value: (u) => (u.signedManifest ? 'yes' : 'no') },
        { header: 'registered', value: (u) => u.createdAt },
      ]));
    }));

  updates.command('show')
    .description('show one update with its files')
    .argument('<provider/name/version>', 'the update id, e.g. contoso/line-controller/2.0.0')
    .action(act(async ({ api, out }, [id]) => {
      const { provider, name, version } = parseUpdateId(id!);
      const update = await api.get<Update>(`updates/${[provider, name, version].map(encodeURIComponent).join('/')}`);
      out.print(update, (u) => [
        fields([
          ['update', updateName(u)],
          ['compatibility', compatibility(u)],
          ['prerequisites', (u.prerequisites ?? []).map((p) => `${p.name} >= ${p.minVersion}`).join(', ')],
          ['signed', u.signedManifest ? 'yes (imported, signed manifest)' : 'no (registered by hand)'],
          ['registered', u.createdAt],
        ]),
        '',
        table(u.files, [
          { header: 'file', value: (f) => f.fileName },
          { header: 'bytes', value: (f) => f.sizeInBytes },
          { header: 'sha256', value: (f) => f.hashes.sha256 },
        ]),
      ].join('\n'));
    }));
}
