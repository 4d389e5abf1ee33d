/** Benchmarks' child processes: each in its own process group, with the peak memory of its whole process tree. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(__dirname, '../../..');

export interface ProcessPeak {
  label: string;
  hwmBytes: number;
}

/** The pid and every descendant of it (from /proc/<pid>/stat parent ids). */
function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command name (which may hold spaces and parentheses): state, ppid, ...
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function readPeak(pid: number): ProcessPeak | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    if (!kb) return undefined;
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const script = args.find((a) => a.endsWith('.js') || a.endsWith('.mjs')) ?? args[0] ?? String(pid);
    const label = script.includes('azurite') ? 'azurite' : path.relative(root, script) || script;
    return { label, hwmBytes: Number(kb) * 1024 };
  } catch {
    return undefined; // exited meanwhile
  }
}

export interface Child {
  base: string;
  /** Reads VmHWM of the whole process tree now; keeps the highest seen per process. */
  samplePeaks(): void;
  peaks(): ProcessPeak[];
  logTail(): string;
  stop(): Promise<void>;
}

export const running = new Set<ChildProcess>();

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* already gone */
  }
}

/** Spawns `node <args>` in its own process group and waits for `ready` (its first group: the base URL) on its output. */
export async function startChild(args: string[], env: Record<string, string>, ready: RegExp, what: string): Promise<Child> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { running.delete(child); resolve(); }));
  const lines: string[] = [];
  let partial = '';
  const peaks = new Map<number, ProcessPeak>();
  const samplePeaks = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    for (const pid of processTree(child.pid!)) {
      const peak = readPeak(pid);
      if (peak && peak.hwmBytes > (peaks.get(pid)?.hwmBytes ?? 0)) peaks.set(pid, peak);
    }
  };
  const sampler = setInterval(samplePeaks, 250);
  const stop = async () => {
    clearInterval(sampler);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, 10_000); })]);
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // whatever it started and did not stop (e.g. Azurite)
    await exited;
  };
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} did not start within 120 s:\n${lines.join('\n')}`)), 120_000);
      const onData = (chunk: Buffer) => {
        const text = partial + chunk.toString();
        const split = text.split('\n');
        partial = split.pop() ?? '';
        for (const line of split) {
          lines.push(line);
          if (lines.length > 200) lines.shift();
          const match = ready.exec(line);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${what} exited (${code ?? signal}):\n${lines.join('\n')}`));
      });
    });
    samplePeaks();
    return { base, samplePeaks, peaks: () => [...peaks.values()], logTail: () => [...lines, partial].join('\n'), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Kills every child on exit or Ctrl-C (then runs `cleanup`), so a stopped benchmark leaves no process behind. */
export function killChildrenOnExit(cleanup: () => void): void {
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of running) killGroup(child, 'SIGKILL');
      cleanup();
      process.exit(130);
    });
  }
}
