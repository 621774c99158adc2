/**
 * The two data structures the event-driven parts need, on typed arrays so that two million orders
 * simulate in about a second: a min-heap of (time, code) events and a double-ended integer queue.
 */

const NEVER = Number.POSITIVE_INFINITY;

export class EventHeap {
  private times = new Float64Array(1024);
  private codes = new Int32Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    return this.count > 0 ? this.times[0] : NEVER;
  }

  push(time: number, code: number): void {
    if (this.count === this.times.length) this.grow();
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.times[parent] <= time) break;
      this.times[i] = this.times[parent];
      this.codes[i] = this.codes[parent];
      i = parent;
    }
    this.times[i] = time;
    this.codes[i] = code;
  }

  /** Removes the earliest event and returns its code (read peekTime first for its time). */
  pop(): number {
    const top = this.codes[0];
    const last = --this.count;
    if (last > 0) {
      const time = this.times[last];
      const code = this.codes[last];
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= last) break;
        if (child + 1 < last && this.times[child + 1] < this.times[child]) child++;
        if (this.times[child] >= time) break;
        this.times[i] = this.times[child];
        this.codes[i] = this.codes[child];
        i = child;
      }
      this.times[i] = time;
      this.codes[i] = code;
    }
    return top;
  }

  /** Codes of every pending event, in no particular order. */
  pendingCodes(): Int32Array {
    return this.codes.slice(0, this.count);
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    const codes = new Int32Array(this.codes.length * 2);
    times.set(this.times);
    codes.set(this.codes);
    this.times = times;
    this.codes = codes;
  }
}

export class IntDeque {
  private buffer = new Int32Array(1024);
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  pushBack(value: number): void {
    if (this.count === this.buffer.length) this.grow();
    this.buffer[(this.head + this.count) & (this.buffer.length - 1)] = value;
    this.count++;
  }

  pushFront(value: number): void {
    if (this.count === this.buffer.length) this.grow();
    this.head = (this.head - 1) & (this.buffer.length - 1);
    this.buffer[this.head] = value;
    this.count++;
  }

  /** The front value; call only when size > 0. */
  peekFront(): number {
    return this.buffer[this.head];
  }

  popFront(): number {
    const value = this.buffer[this.head];
    this.head = (this.head + 1) & (this.buffer.length - 1);
    this.count--;
    return value;
  }

  private grow(): void {
    const next = new Int32Array(this.buffer.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.buffer[(this.head + i) & (this.buffer.length - 1)];
    this.buffer = next;
    this.head = 0;
  }
}
