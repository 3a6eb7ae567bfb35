/**
 * The main thread's side of a worker thread's messages: a queue read in order by one reader, and
 * the worker's failure, which ends the wait once the messages before it are read. Used by the file
 * workers and by detect's warehouse reader.
 */
import { Wakeup } from './wakeup.js';

export class Inbox<T> {
  private readonly queue: T[] = [];
  private readonly wakeup = new Wakeup();
  private failure: { error: unknown } | undefined;

  put(message: T): void {
    this.queue.push(message);
    this.wakeup.wake();
  }

  /** The worker failed (or ended early); the first failure is the one reported. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.wakeup.wake();
  }

  /** The next message; once none is left after a failure, throws what `explain` makes of it. */
  async next(explain: (error: unknown) => Error): Promise<T> {
    while (this.queue.length === 0 && this.failure === undefined) await this.wakeup.wait();
    if (this.queue.length > 0) return this.queue.shift()!;
    throw explain(this.failure!.error);
  }
}
