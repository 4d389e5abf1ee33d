/**
 * Installs waiting to finish, as a binary min-heap by finish time: settling takes only what is due, so a read
 * after a clock jump finishes exactly the installs due by then, in finish order, at O(log n) each.
 */
export interface Due {
  finishMs: number;
}

export class FinishQueue<T extends Due> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    const heap = this.heap;
    heap.push(item);
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (heap[parent]!.finishMs <= item.finishMs) break;
      heap[child] = heap[parent]!;
      child = parent;
    }
    heap[child] = item;
  }

  /** The earliest item if it is due by `nowMs`, removed from the queue. */
  popDue(nowMs: number): T | undefined {
    const heap = this.heap;
    const first = heap[0];
    if (first === undefined || first.finishMs > nowMs) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) this.siftDown(last);
    return first;
  }

  clear(): void {
    this.heap.length = 0;
  }

  private siftDown(item: T): void {
    const heap = this.heap;
    let parent = 0;
    for (;;) {
      let child = 2 * parent + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && heap[child + 1]!.finishMs < heap[child]!.finishMs) child++;
      if (heap[child]!.finishMs >= item.finishMs) break;
      heap[parent] = heap[child]!;
      parent = child;
    }
    heap[parent] = item;
  }
}
