/** Semantic versions (x.y.z[-pre]) compared by precedence; build metadata is ignored. */
const pattern = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function isSemver(version: string): boolean {
  return pattern.test(version);
}

/** Negative when a < b, 0 when equal, positive when a > b. Throws for a non-semver string. */
export function compareSemver(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < 3; i++) if (pa.core[i] !== pb.core[i]) return pa.core[i]! - pb.core[i]!;
  if (!pa.pre && !pb.pre) return 0;
  if (!pa.pre) return 1; // a release ranks above its pre-releases
  if (!pb.pre) return -1;
  const [xa, xb] = [pa.pre.split('.'), pb.pre.split('.')];
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const [x, y] = [xa[i], xb[i]];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const [nx, ny] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function parse(version: string): { core: number[]; pre: string | undefined } {
  const match = pattern.exec(version);
  if (!match) throw new RangeError(`'${version}' is not a semantic version (x.y.z)`);
  return { core: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4] };
}
