// A FIFO for the request-log writer: O(1) push and amortised O(1) removal at the
// head (Array#shift copies the whole array, which at 50 000 waiting rows under
// overload would happen on every write).
export class RecordQueue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns up to `count` items from the head. */
  take(count: number): T[] {
    const end = Math.min(this.items.length, this.head + count);
    const taken = this.items.slice(this.head, end) as T[];
    this.advance(end);
    return taken;
  }

  /** Puts items back at the head, in order (they are older than everything queued). */
  restoreFront(items: readonly T[]): void {
    if (items.length === 0) return;
    this.items = [...items, ...this.items.slice(this.head)];
    this.head = 0;
  }

  /** Removes up to `count` of the oldest items; returns how many were removed. */
  dropOldest(count: number): number {
    const end = Math.min(this.items.length, this.head + Math.max(0, count));
    const removed = end - this.head;
    this.advance(end);
    return removed;
  }

  private advance(end: number): void {
    for (let index = this.head; index < end; index += 1) this.items[index] = undefined;
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
