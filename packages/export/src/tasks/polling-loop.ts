/**
 * Runs `poll` again and again until stopped, sleeping `pollMs` between polls unless woken: the loop of
 * the delivery worker and the schedule runner (one mechanism, so both stop and wake alike). A failed
 * poll goes to `onError` and the loop goes on: the next poll reads the database afresh.
 *
 * @example
 * ```ts
 * const loop = new PollingLoop(async (stopped) => { while (!stopped() && (await sendDue()) > 0); }, { pollMs: 1_000 });
 * loop.start();
 * loop.wake(); // something is due now
 * await loop.stop(); // after the poll in progress
 * ```
 */
export class PollingLoop {
  readonly #poll: (stopped: () => boolean) => Promise<unknown>;
  readonly #pollMs: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  #stopped = true;
  #wake: () => void = () => {};
  #loop: Promise<void> | null = null;

  constructor(poll: (stopped: () => boolean) => Promise<unknown>, options: { pollMs: number; onError?: (error: unknown) => void }) {
    this.#poll = poll;
    this.#pollMs = options.pollMs;
    this.#onError = options.onError;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#loop = this.#run();
  }

  /** Polls now instead of at the end of the sleep. */
  wake(): void {
    this.#wake();
  }

  /** Stops polling and waits for the poll in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const stopped = () => this.#stopped;
    while (!this.#stopped) {
      try {
        await this.#poll(stopped);
      } catch (error) {
        this.#onError?.(error);
      }
      if (this.#stopped) break;
      await new Promise<void>((wake) => {
        this.#wake = wake;
        setTimeout(wake, this.#pollMs).unref();
      });
    }
  }
}
