/**
 * A poll loop's pause: sleeps up to a time limit, or until `wake()` is called (new work
 * was committed in this process, or the loop is stopping). A wake with nobody asleep is
 * dropped: loops look for work before they sleep again.
 */
export class WakeableSleep {
  #wake: (() => void) | undefined;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }

  wake(): void {
    this.#wake?.();
  }
}
