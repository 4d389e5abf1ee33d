/** `ota reports rollout <id>`: a rollout's report as JSON, CSV or a printable HTML page, to stdout or a file. */
import fs from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Act } from '../action';
import { CliError } from '../cli-error';
import { exitCodes } from '../exit-codes';

export function registerReportCommands(program: Command, act: Act): void {
  const reports = program.command('reports').description('reports to download');

  reports.command('rollout')
    .description("a rollout's report: waves, health timeline, cohort analysis, approvals")
    .argument('<id>', 'the rollout id')
    .addOption(new Option('--format <format>', 'report format').choices(['json', 'csv', 'html']).default('json'))
    .option('--table <name>', 'CSV only: which table (default the first)')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action(act<{ format: string; table?: string; out?: string }>(async ({ api, io }, [id], options) => {
      const { text } = await api.send('GET', `reports/rollouts/${encodeURIComponent(id!)}`, { query: { format: options.format, table: options.table } });
      if (!options.out) {
        io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
        return;
      }
      try {
        fs.writeFileSync(options.out, text);
      } catch (err) {
        throw new CliError(`${options.out}: cannot write: ${(err as Error).message}`, exitCodes.badFile);
      }
      io.stderr.write(`wrote ${options.out} (${Buffer.byteLength(text)} bytes)\n`);
    }));
}
