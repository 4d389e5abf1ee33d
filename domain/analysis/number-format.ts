/** Numbers as an operator reads them in a verdict's reason. */

/** A percentage with one decimal, a minus sign for negatives: 21.3, −4.0. */
export function formatPercent(percent: number): string {
  const text = percent.toFixed(1);
  return text.startsWith('-') ? `−${text.slice(1)}` : text;
}

/** A setting as written, without trailing zeros: 95, 10, 2.5. */
export function formatSetting(value: number): string {
  return Number(value.toFixed(4)).toString();
}

/** "17.9–24.6 %", or "−3.0 to 4.1 %" when a negative end would make the dash ambiguous. */
export function formatPercentRange(low: number, high: number): string {
  return low < 0 || high < 0 ? `${formatPercent(low)} to ${formatPercent(high)} %` : `${formatPercent(low)}–${formatPercent(high)} %`;
}

/** "p = 0.0312", or "p < 0.0001" for smaller ones. */
export function formatPValue(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${Number(p.toPrecision(3))}`;
}

/** A value in metric units with four significant digits. */
export function formatValue(value: number): string {
  const text = Number(value.toPrecision(4)).toString();
  return text.startsWith('-') ? `−${text.slice(1)}` : text;
}
