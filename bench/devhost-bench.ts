/**
 * `npm run bench:devhost`: throughput and episode latency of the devhost's durable engine.
 *  1. fan-out/fan-in of 10,000 trivial activities through sub-orchestrations of 1,000;
 *  2. one orchestration whose history grows to ~2,000 events (500 sequential activities).
 * Each runs twice, in memory (the baseline) and with the task hub journaled to disk (--data); prints one JSON line
 * per run, the journaled/in-memory ratios, then the goals. The devhost CLI runs as a child process.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const app = path.join(root, 'bench/fixture-app');

function peakRssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : NaN;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from the devhost's admin and durable APIs
type Json = any;

async function call(url: string, method = 'GET', body?: unknown): Promise<Json> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

async function runToCompletion(base: string, name: string, input: unknown): Promise<{ seconds: number; status: Json }> {
  const started = performance.now();
  const { id } = await call(`${base}/durabletask/orchestrators/${name}`, 'POST', input);
  for (;;) {
    const status = await call(`${base}/durabletask/instances/${id}?showHistory=true`);
    if (status.runtimeStatus === 'Completed' || status.runtimeStatus === 'Failed') {
      return { seconds: (performance.now() - started) / 1000, status };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Figures {
  fanOut: Record<string, number | string>;
  longHistory: Record<string, number | string>;
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

async function measure(mode: string, extraArgs: string[]): Promise<Figures> {
  const child = spawn(process.execPath, [path.join(root, 'dist/devhost/cli.js'), '--app', app, '--port', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let log = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const match = /listening on (http:\/\/[\d.:]+)/.exec(log);
        if (match) resolve(match[1]!);
      });
      child.once('exit', () => reject(new Error(`devhost exited:\n${log}`)));
    });

    await call(`${base}/admin/host/metrics/reset`, 'POST');
    const fan = await runToCompletion(base, 'fanOutAll', { total: 10_000, chunk: 1_000 });
    if (fan.status.output !== 10_000) throw new Error(`fan-out returned ${JSON.stringify(fan.status.output)}`);
    const fanMetrics = await call(`${base}/admin/host/metrics`);
    const fanOut = {
      scenario: 'fan-out 10,000 activities via 10 sub-orchestrations of 1,000',
      mode,
      wallSeconds: round(fan.seconds),
      activitiesPerSecond: Math.round(fanMetrics.activitiesCompleted / fan.seconds),
      episodes: fanMetrics.episodes,
      episodeMsMedian: round(fanMetrics.episodeMsMedian),
      episodeMsP99: round(fanMetrics.episodeMsP99),
      peakRssMB: round(peakRssBytes(child.pid!) / 2 ** 20, 0),
    };
    console.log(JSON.stringify(fanOut));

    await call(`${base}/admin/host/metrics/reset`, 'POST');
    const seq = await runToCompletion(base, 'sequence', 500);
    const seqMetrics = await call(`${base}/admin/host/metrics`);
    const longHistory = {
      scenario: 'sequence of 500 activities (history grows to ~2,000 events)',
      mode,
      historyEvents: seq.status.historyEvents.length,
      wallSeconds: round(seq.seconds),
      episodes: seqMetrics.episodes,
      episodeMsMedian: round(seqMetrics.episodeMsMedian),
      episodeMsP99: round(seqMetrics.episodeMsP99),
      peakRssMB: round(peakRssBytes(child.pid!) / 2 ** 20, 0),
    };
    console.log(JSON.stringify(longHistory));
    return { fanOut, longHistory };
  } finally {
    child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const memory = await measure('in-memory', []);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devhost-bench-'));
  let journaled: Figures;
  try {
    journaled = await measure('journaled', ['--data', dataDir]);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const ratio = (a: number | string | undefined, b: number | string | undefined) => round(Number(a) / Number(b));
  console.log(JSON.stringify({
    ratiosJournaledToInMemory: {
      activitiesPerSecond: ratio(journaled.fanOut.activitiesPerSecond, memory.fanOut.activitiesPerSecond),
      fanOutEpisodeMsMedian: ratio(journaled.fanOut.episodeMsMedian, memory.fanOut.episodeMsMedian),
      longHistoryEpisodeMsMedian: ratio(journaled.longHistory.episodeMsMedian, memory.longHistory.episodeMsMedian),
    },
  }));
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  for (const figures of [memory, journaled]) {
    const { fanOut, longHistory } = figures;
    console.log(`${fanOut.mode}: goal >= 2,000 activities/s: ${fanOut.activitiesPerSecond}/s (${verdict(Number(fanOut.activitiesPerSecond) >= 2000)}); ` +
      `goal median episode < 5 ms: fan-out ${fanOut.episodeMsMedian} ms (${verdict(Number(fanOut.episodeMsMedian) < 5)}), ` +
      `2,000-event history ${longHistory.episodeMsMedian} ms (${verdict(Number(longHistory.episodeMsMedian) < 5)})`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
