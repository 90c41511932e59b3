import { boundedPush } from '../util/boundedPush.js';

/**
 * A queue that starts paused: while closed it holds items (at most `max`, the oldest handed to
 * `onDrop`); {@link open} runs what it held, in order, and every later item at once.
 */
export class Gate<T> {
  private held: T[] = [];

  constructor(
    private isOpen: boolean,
    private readonly max: number,
    private readonly run: (item: T) => void,
    private readonly onDrop: (item: T) => void,
  ) {}

  get open(): boolean {
    return this.isOpen;
  }

  push(item: T): void {
    if (this.isOpen) this.run(item);
    else boundedPush(this.held, item, this.max, this.onDrop);
  }

  /** Open: run the held items in order. */
  openNow(): void {
    this.isOpen = true;
    const held = this.held;
    this.held = [];
    for (const item of held) this.run(item);
  }

  /** Forget the held items; returns how many there were. */
  clear(): number {
    const n = this.held.length;
    this.held = [];
    return n;
  }
}
