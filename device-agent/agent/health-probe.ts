/**
 * One health probe of the running version: the `--health-cmd` shell command (exit code 0 = healthy; run in the
 * active slot with OTA_VERSION and OTA_SLOT) and/or `--health-url` (2xx = healthy). A JSON object on the command's
 * last stdout line adds its numeric fields to the health telemetry's metrics.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';

export interface ProbeConfig {
  healthCmd?: string;
  healthUrl?: string;
  timeoutMs: number;
}

export interface ProbeTarget {
  dir: string;
  version: string;
  slot: string;
}

export interface ProbeResult {
  healthy: boolean;
  at: string;
  reason?: string;
  metrics: Record<string, number>;
}

/** Names and count the contract allows for metrics. */
export const metricLimits = { count: 32, nameLength: 64 } as const;

export async function runProbe(config: ProbeConfig, target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
  const at = new Date().toISOString();
  const metrics: Record<string, number> = {};
  if (config.healthCmd !== undefined) {
    const result = await runCommand(config.healthCmd, target, config.timeoutMs, signal);
    Object.assign(metrics, numericFields(result.lastLine));
    if (!result.ok) return { healthy: false, at, reason: result.reason, metrics };
  }
  if (config.healthUrl !== undefined) {
    const problem = await checkUrl(config.healthUrl, config.timeoutMs, signal);
    if (problem) return { healthy: false, at, reason: problem, metrics };
  }
  return { healthy: true, at, metrics };
}

function runCommand(command: string, target: ProbeTarget, timeoutMs: number, signal: AbortSignal): Promise<{ ok: boolean; reason: string; lastLine: string }> {
  return new Promise((resolve) => {
    // Its own process group, so a timeout ends the shell and whatever it started.
    const child = spawn(command, { shell: true, cwd: target.dir, detached: true, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, OTA_VERSION: target.version, OTA_SLOT: target.slot } });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-64 * 1024);
    });
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(kill, timeoutMs);
    signal.addEventListener('abort', kill, { once: true });
    const lastLine = () => stdout.trimEnd().split('\n').pop() ?? '';
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `health command cannot start: ${error.message}`, lastLine: '' });
    });
    child.on('close', (code, killedBy) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
      if (code === 0) resolve({ ok: true, reason: '', lastLine: lastLine() });
      else resolve({ ok: false, reason: killedBy ? `health command killed (${killedBy}) after ${timeoutMs / 1000} s or on stop` : `health command exited with ${code}`, lastLine: lastLine() });
    });
  });
}

function checkUrl(url: string, timeoutMs: number, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    const client = url.startsWith('https:') ? https : http;
    const req = client.get(url, { signal, timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 300 ? undefined : `health URL answered HTTP ${status}`);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
    req.on('error', (error) => resolve(`health URL unreachable: ${error.message}`));
  });
}

/** The numeric fields of a JSON object line (anything else: none). */
export function numericFields(line: string): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'number' && Number.isFinite(value) && name.length > 0 && name.length <= metricLimits.nameLength) metrics[name] = value;
  }
  return metrics;
}
