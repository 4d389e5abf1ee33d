/**
 * `npm run bench:delta`: how small and how fast each candidate delta tool is, to choose the one delta/ uses.
 * Pairs: two releases of real binaries shipped in npm packages (devDependencies under npm aliases, so no network is
 * needed once `npm ci` ran; otherwise fetched once with `npm pack` into a temp cache) and a synthetic 8 MiB firmware
 * image with ~5 % of its bytes new or edited (delta/synthetic-firmware.ts). Prints one JSON line per (pair, tool),
 * then whether each tool meets the goal: a delta of at most 10 % of the full image on the ~5 % change.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { candidates, skipped } from '../delta/candidates';
import { DeltaCodec } from '../delta/codec';
import { syntheticFirmware } from '../delta/synthetic-firmware';

const root = path.resolve(__dirname, '../..');
const GOAL = 0.1;
const SYNTHETIC = 'synthetic 8 MiB firmware, ~5% changed';

interface Release {
  alias: string; // the devDependency name in package.json
  spec: string; // what the alias points at, for `npm pack` when it is not installed
}

const realPairs: { pair: string; file: string; releases: [Release, Release] }[] = [
  {
    pair: 'esbuild 0.24.0 -> 0.24.2 (Go executable, linux-x64)',
    file: 'bin/esbuild',
    releases: [
      { alias: 'delta-bench-esbuild-a', spec: '@esbuild/linux-x64@0.24.0' },
      { alias: 'delta-bench-esbuild-b', spec: '@esbuild/linux-x64@0.24.2' },
    ],
  },
  {
    pair: 'rollup 4.40.0 -> 4.40.1 (Rust Node-API addon, linux-x64)',
    file: 'rollup.linux-x64-gnu.node',
    releases: [
      { alias: 'delta-bench-rollup-a', spec: '@rollup/rollup-linux-x64-gnu@4.40.0' },
      { alias: 'delta-bench-rollup-b', spec: '@rollup/rollup-linux-x64-gnu@4.40.1' },
    ],
  },
];

/** The release's file from node_modules, else from a temp cache that `npm pack` fills once. */
function releaseFile(release: Release, file: string): Uint8Array {
  const installed = path.join(root, 'node_modules', release.alias, file);
  if (fs.existsSync(installed)) return fs.readFileSync(installed);
  const cache = path.join(os.tmpdir(), 'ota-delta-bench', release.spec.replace(/[^\w.-]+/g, '_'));
  const cached = path.join(cache, 'package', file);
  if (!fs.existsSync(cached)) {
    fs.mkdirSync(cache, { recursive: true });
    const tarball = execFileSync('npm', ['pack', release.spec, '--silent', '--pack-destination', cache], { encoding: 'utf8' }).trim();
    execFileSync('tar', ['-xzf', path.join(cache, tarball), '-C', cache]);
  }
  return fs.readFileSync(cached);
}

const seconds = (since: number): number => Math.round(performance.now() - since) / 1000;

/** `meetsGoal` only on the synthetic pair: the goal is about a ~5 % change, the real releases changed more or less. */
async function measure(pair: string, base: Uint8Array, target: Uint8Array, codec: DeltaCodec) {
  const line = { pair, fullBytes: target.length, tool: codec.tool };
  const goal = (ok: boolean) => (pair === SYNTHETIC ? { meetsGoal: ok } : {});
  try {
    let started = performance.now();
    const delta = await codec.createDelta(base, target);
    const generateSeconds = seconds(started);
    started = performance.now();
    const rebuilt = await codec.applyDelta(base, delta);
    const applySeconds = seconds(started);
    const roundTripOk = Buffer.from(rebuilt).equals(target);
    const ratio = Math.round((delta.length / target.length) * 10000) / 10000;
    return { ...line, deltaBytes: delta.length, ratio, generateSeconds, applySeconds, roundTripOk, ...goal(roundTripOk && ratio <= GOAL) };
  } catch (err) {
    return { ...line, deltaBytes: null, ratio: null, generateSeconds: null, applySeconds: null, roundTripOk: false, ...goal(false), error: String(err) };
  }
}

async function main(): Promise<void> {
  const synthetic = syntheticFirmware();
  const pairs = [
    ...realPairs.map(({ pair, file, releases: [a, b] }) => ({ pair, base: releaseFile(a, file), target: releaseFile(b, file) })),
    { pair: SYNTHETIC, base: synthetic.base, target: synthetic.target },
  ];
  const changed = ((100 * synthetic.changedBytes) / synthetic.target.length).toFixed(1);
  for (const tool of skipped) console.error(`skipped: ${tool}`);
  console.error(`synthetic image: ${synthetic.changedBytes} of ${synthetic.target.length} bytes new or edited (${changed} %)`);

  const results = [];
  for (const { pair, base, target } of pairs) {
    for (const codec of candidates) {
      const result = await measure(pair, base, target, codec);
      console.log(JSON.stringify(result));
      results.push(result);
    }
  }
  for (const r of results.filter((r) => r.pair === SYNTHETIC)) {
    const size = r.ratio === null ? `failed: ${r.error}` : `${(r.ratio * 100).toFixed(2)} % of full`;
    console.log(`${r.tool}: goal <= 10 % of full on the ~5 % change: ${size} (${r.meetsGoal ? 'met' : 'NOT met'})`);
  }
  // The choice is by size first: what every pair would put on the wire together.
  for (const { tool } of candidates) {
    const mine = results.filter((r) => r.tool === tool);
    const sum = (bytes: (r: (typeof mine)[number]) => number | null) => mine.reduce((n, r) => n + (bytes(r) ?? NaN), 0);
    const [delta, full] = [sum((r) => r.deltaBytes), sum((r) => r.fullBytes)];
    console.log(`${tool}: all pairs together: ${delta} of ${full} bytes (${((100 * delta) / full).toFixed(2)} %)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
