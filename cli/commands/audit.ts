/** `ota audit verify`: checks the audit trail's hash chain (and lists one subject's entries). */
import type { Command } from 'commander';
import type { AuditEntry } from '../../domain/audit/audit-entry';
import type { ChainVerdict } from '../../domain/audit/verify-chain';
import type { Act } from '../action';
import { exitCodes } from '../exit-codes';
import { table } from '../output';

export function registerAuditCommands(program: Command, act: Act): void {
  const audit = program.command('audit').description('the tamper-evident audit trail');

  audit.command('verify')
    .description("verify the audit trail's hash chain (exit code 9 names the first broken link); --subject also lists that subject's entries")
    .option('--subject <subject>', 'e.g. rollouts/<id>: list its entries too')
    .action(act<{ subject?: string }>(async ({ api, out, exitWith }, _args, options) => {
      const verdict = await api.get<ChainVerdict>('audit/verify');
      const entries = options.subject ? (await api.get<{ items: AuditEntry[] }>('audit', { subject: options.subject, limit: 1000 })).items : undefined;
      out.print(entries ? { verdict, entries } : verdict, () => {
        const lines = [verdict.valid
          ? `audit trail intact: ${verdict.entries} entries verified`
          : `audit trail BROKEN at entry ${verdict.firstBroken.sequence}: ${verdict.firstBroken.reason} (${verdict.entries} entries read)`];
        if (entries) {
          lines.push('', table(entries, [
            { header: 'seq', value: (e) => e.sequence },
            { header: 'at', value: (e) => e.at },
            { header: 'actor', value: (e) => e.actor },
            { header: 'action', value: (e) => e.action },
          ]));
        }
        return lines.join('\n');
      });
      if (!verdict.valid) exitWith(exitCodes.auditBroken);
    }));
}
