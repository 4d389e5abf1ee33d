/**
 * `ota rollouts …`: list, show, create from a JSON or YAML file, approve or reject, pause, resume, cancel, roll back,
 * and watch to the end.
 */
import type { Command } from 'commander';
import type { RolloutView } from '../../domain/rollouts/rollout-view';
import { positiveInteger, type Act } from '../action';
import { exitCodeOfFinalStatus, exitCodes } from '../exit-codes';
import { fields, table } from '../output';
import { readBodyFile } from '../rollout-file';
import { jsonLinesView, plainView } from '../watch/plain-view';
import { progressBarsView } from '../watch/progress-bars-view';
import { fetchSnapshot, watchRollout } from '../watch/watch-rollout';
import { listPages } from './paging';

const updateName = (r: RolloutView) => `${r.updateId.provider}/${r.updateId.name}/${r.updateId.version}`;

function rolloutText(r: RolloutView): string {
  const approvals = r.approvals.map((a) => `${a.decision} by ${a.approver}${a.stage ? ` (${a.stage})` : ''} at ${a.at}${a.comment ? `: ${a.comment}` : ''}`);
  return [
    fields([
      ['rollout', r.id],
      ['update', updateName(r)],
      ['status', r.status],
      ['reason', r.reason],
      ['created', `${r.createdAt} by ${r.createdBy}`],
      ['devices', `${r.counts.targeted} targeted, ${r.counts.succeeded} succeeded, ${r.counts.failed} failed, ${r.counts.pending} pending, ${r.counts.rolledBack} rolled back`],
      ['approvals', approvals.join('; ')],
    ]),
    '',
    table(r.waves, [
      { header: 'wave', value: (w) => (w.kind === 'canary' ? 'canary' : String(w.index)) },
      { header: 'status', value: (w) => w.status },
      { header: 'devices', value: (w) => w.deviceCount },
      { header: 'succeeded', value: (w) => w.succeeded },
      { header: 'failed', value: (w) => w.failed },
      { header: 'pending', value: (w) => w.pending },
      { header: 'rolled back', value: (w) => w.rolledBack },
    ]),
  ].join('\n');
}

const rolloutPath = (id: string, action?: string) => `rollouts/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

export function registerRolloutCommands(program: Command, act: Act): void {
  const rollouts = program.command('rollouts').description('rollouts: list, create, approve, steer and watch');

  rollouts.command('list')
    .description('list rollouts, oldest first')
    .option('--status <status>', 'only rollouts in this status (e.g. InProgress, PendingApproval)')
    .option('--limit <n>', 'rollouts per page (1-200)', positiveInteger('--limit'))
    .option('--continuation-token <token>', 'the page after the one that gave this token')
    .option('--all', 'follow every page (default: the first page only)')
    .action(act<{ status?: string; limit?: number; continuationToken?: string; all?: boolean }>(async ({ api, out }, _args, options) => {
      const page = await listPages<RolloutView>(api, 'rollouts', { status: options.status, limit: options.limit, continuationToken: options.continuationToken }, options.all === true);
      out.print(page, (p) => table(p.items, [
        { header: 'rollout', value: (r) => r.id },
        { header: 'update', value: updateName },
        { header: 'status', value: (r) => r.status },
        { header: 'devices', value: (r) => `${r.counts.succeeded}/${r.counts.targeted}` },
        { header: 'failed', value: (r) => r.counts.failed },
        { header: 'created', value: (r) => `${r.createdAt} ${r.createdBy}` },
      ]));
      if (page.continuationToken) out.note(`more rollouts: add --all, or --continuation-token ${page.continuationToken}`);
    }));

  rollouts.command('show')
    .description('show a rollout: status, reason, waves, counts, approvals')
    .argument('<id>', 'the rollout id')
    .action(act(async ({ api, out }, [id]) => {
      out.print(await api.get<RolloutView>(rolloutPath(id!)), rolloutText);
    }));

  rollouts.command('create')
    .description('create and start a rollout from a JSON or YAML file (the request body of POST /api/rollouts)')
    .requiredOption('-f, --file <file>', 'the rollout: a .json, .yaml or .yml file')
    .action(act<{ file: string }>(async ({ api, out }, _args, options) => {
      const created = await api.post<RolloutView>('rollouts', readBodyFile(options.file));
      out.print(created, (r) => `created rollout ${r.id}: ${r.status}${r.reason ? ` (${r.reason})` : ''}\nfollow it with: ota rollouts watch ${r.id}`);
    }));

  for (const decision of ['approve', 'reject'] as const) {
    rollouts.command(decision)
      .description(`${decision} the rollout's current approval stage (as an approver named in its policy)`)
      .argument('<id>', 'the rollout id')
      .option('--comment <text>', 'why (kept in the rollout and the audit trail)')
      .action(act<{ comment?: string }>(async ({ api, out }, [id], options) => {
        const rollout = await api.post<RolloutView>(rolloutPath(id!, 'approvals'), { decision, ...(options.comment ? { comment: options.comment } : {}) });
        out.print(rollout, (r) => `${decision === 'approve' ? 'approved' : 'rejected'} rollout ${r.id} (it was ${r.status}; the orchestration acts on it next)`);
      }));
  }

  const controls = { pause: 'pause a rollout: nothing new is sent, the soak clock stops', resume: 'resume a paused rollout', cancel: 'cancel a rollout: devices keep what they have', rollback: 'roll a rollout back: every touched device is restored' };
  for (const [action, description] of Object.entries(controls)) {
    rollouts.command(action)
      .description(description)
      .argument('<id>', 'the rollout id')
      .action(act(async ({ api, out }, [id]) => {
        const rollout = await api.post<RolloutView>(rolloutPath(id!, action));
        out.print(rollout, (r) => `${action} accepted for rollout ${r.id} (it was ${r.status})`);
      }));
  }

  rollouts.command('watch')
    .description('follow a rollout to its end: a progress bar per wave with its health; exits with the final status (0 Completed)')
    .argument('<id>', 'the rollout id')
    .option('--interval <seconds>', 'seconds between polls', positiveInteger('--interval'), 2)
    .action(act<{ interval: number }>(async ({ api, out, io, exitWith }, [id], options) => {
      const write = (text: string) => io.stdout.write(text);
      const view = out.format === 'json' ? jsonLinesView(write) : io.stdout.isTTY ? progressBarsView(io.stdout) : plainView(write);
      const last = await watchRollout(() => fetchSnapshot(api, id!), view, {
        intervalMs: options.interval * 1000,
        onMissedPoll: (error, inARow) => io.stderr.write(`ota: poll ${inARow} missed, still watching: ${error.message.split('\n')[0]}\n`),
      });
      out.note(`rollout ${last.id} ended ${last.status}${last.reason ? `: ${last.reason}` : ''}`);
      exitWith(exitCodeOfFinalStatus(last.status) ?? exitCodes.unexpected);
    }));
}
