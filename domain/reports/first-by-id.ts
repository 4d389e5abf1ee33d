/**
 * The first `limit` items in device-id order out of any number seen, holding at most twice `limit` at a time:
 * how a report lists "the first 1000 devices" of a fleet read page by page, in no particular order.
 */
import { byDeviceId } from './device-order';

export class FirstById<T> {
  private kept: T[] = [];
  private seen = 0;

  constructor(
    readonly limit: number,
    private readonly idOf: (item: T) => string,
  ) {
    if (!(limit >= 0)) throw new RangeError(`limit must be 0 or more, not ${limit}`);
  }

  add(item: T): void {
    this.seen++;
    if (this.limit === 0) return;
    this.kept.push(item);
    // Trimmed in bulk, so each item costs a share of one sort rather than an insertion into a sorted list.
    if (this.kept.length >= 2 * this.limit) this.trim();
  }

  /** How many items were added (listed or not). */
  get count(): number {
    return this.seen;
  }

  get capped(): boolean {
    return this.seen > this.limit;
  }

  /** The first `limit` items by id, in that order. */
  list(): T[] {
    this.trim();
    return [...this.kept];
  }

  private trim(): void {
    this.kept.sort((a, b) => byDeviceId(this.idOf(a), this.idOf(b)));
    if (this.kept.length > this.limit) this.kept.length = this.limit;
  }
}
