/** One waiter at a time, woken by the next `wake()` (a message came, a credit came back). */
export class Wakeup {
  private waiting: (() => void) | undefined;

  wait(): Promise<void> {
    return new Promise<void>((resolve) => (this.waiting = resolve));
  }

  wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }
}
