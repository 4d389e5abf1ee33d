/**
 * Epoch milliseconds to ISO 8601, memoised: the devices of a batch report at a few shared instants (the accept
 * time, the finish time), and formatting a Date per device would dominate a 100,000-device batch. Sharing the
 * string also keeps one copy in memory instead of one per twin.
 */
const memoLimit = 1024;
const isoByMs = new Map<number, string>();

export function toIso(ms: number): string {
  let iso = isoByMs.get(ms);
  if (iso === undefined) {
    iso = new Date(ms).toISOString();
    if (isoByMs.size >= memoLimit) isoByMs.clear();
    isoByMs.set(ms, iso);
  }
  return iso;
}
