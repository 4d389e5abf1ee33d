/** ISO 8601 durations (PT30M, P1D, PT0.5S) to milliseconds, for specs and the API. Years and months are refused. */
export class InvalidDurationError extends Error {
  override name = 'InvalidDurationError';
}

const pattern = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function durationToMs(text: string): number {
  const match = pattern.exec(text);
  if (!match || text === 'P') {
    throw new InvalidDurationError(`'${text}' is not an ISO 8601 duration in weeks, days, hours, minutes or seconds, such as PT30M or P1D.`);
  }
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number];
  return ((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}
