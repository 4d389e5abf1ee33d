/**
 * ISO 8601 ↔ epoch milliseconds, memoised: the devices of a batch share a few timestamps (the call's `at`, the
 * batch's finish time), and converting them once per device would dominate the cost of a 5,000-device batch.
 */
const memoLimit = 1024;
const isoByMs = new Map<number, string>();
const msByText = new Map<string, number>();

export function toIso(ms: number): string {
  let iso = isoByMs.get(ms);
  if (iso === undefined) {
    iso = new Date(ms).toISOString();
    remember(isoByMs, ms, iso);
  }
  return iso;
}

/** NaN when `text` is not a timestamp. */
export function toMs(text: string): number {
  let ms = msByText.get(text);
  if (ms === undefined) {
    ms = Date.parse(text);
    remember(msByText, text, ms);
  }
  return ms;
}

function remember<K, V>(memo: Map<K, V>, key: K, value: V): void {
  if (memo.size >= memoLimit) memo.clear();
  memo.set(key, value);
}
