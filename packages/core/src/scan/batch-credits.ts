/**
 * A worker thread's side of the flow control between it and the main thread: at most `inFlight`
 * batches unacknowledged. The main thread answers each batch with 'ack' (a credit back) and asks
 * for a stop with 'stop', so a worker that produces faster than the main thread consumes waits
 * instead of filling the main thread's message queue. Used by the file workers and by detect's
 * warehouse reader.
 */
import type { MessagePort } from 'node:worker_threads';
import { Wakeup } from './wakeup.js';

/** Main → worker. */
export type CreditMessage = 'ack' | 'stop';

export class BatchCredits {
  private readonly controller = new AbortController();
  private readonly wakeup = new Wakeup();
  private credits: number;

  constructor(port: MessagePort, inFlight: number) {
    this.credits = inFlight;
    port.on('message', (message: CreditMessage) => {
      if (message === 'ack') this.credits++;
      else this.controller.abort();
      this.wakeup.wake();
    });
  }

  /** Aborted once the main thread asked for a stop (or `stop` was called). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops from this side (the main thread went away), waking a `take` that waits. */
  stop(): void {
    this.controller.abort();
    this.wakeup.wake();
  }

  /**
   * Takes a credit, waiting for one. After a stop it returns at once: the few batches left (the
   * chunk in hand, a parser's tail) still go, so what was read is still reported.
   */
  async take(): Promise<void> {
    while (this.credits === 0 && !this.controller.signal.aborted) await this.wakeup.wait();
    this.credits--;
  }
}
