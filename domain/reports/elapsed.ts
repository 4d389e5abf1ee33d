/** Elapsed time between two instants, in milliseconds and as an ISO 8601 duration for people and spreadsheets. */

export function elapsedMs(from: string, to: string): number {
  return Date.parse(to) - Date.parse(from);
}

/** E.g. 93_784_500 → `P1DT2H3M4.5S`; 0 → `PT0S`. Days are 24 h (as durationToMs reads them back). */
export function isoDuration(ms: number): string {
  if (ms < 0) return `-${isoDuration(-ms)}`;
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.floor((ms % 86_400_000) / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
