/** ISO 8601 durations (PnDTnHnMnS, PnW) to milliseconds: devhost's clock admin endpoint, the local hub's fleet profiles. */
export function parseIsoDuration(text: string): number {
  const match = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) throw new RangeError(`'${text}' is not an ISO 8601 duration such as PT1H30M or P2D.`);
  const [, w, d, h, m, s] = match.map((part) => Number(part ?? 0));
  return ((((w! * 7 + d!) * 24 + h!) * 60 + m!) * 60 + s!) * 1000;
}
