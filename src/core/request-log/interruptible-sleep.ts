// A sleep that can be cut short, for the background jobs' waits (the request-log
// writer's retry backoff, the retention job's pause between batches): shutdown
// wakes them instead of waiting the sleep out.

export interface InterruptibleSleep {
  /** Resolves after `ms`, or as soon as wake() is called. */
  sleep(ms: number): Promise<void>;
  /** Ends the sleep under way, if there is one. */
  wake(): void;
}

export function createInterruptibleSleep(): InterruptibleSleep {
  let cutShort: (() => void) | null = null;
  return {
    sleep(ms) {
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(handle);
          cutShort = null;
          resolve();
        };
        const handle = setTimeout(done, ms);
        cutShort = done;
      });
    },
    wake() {
      cutShort?.();
    },
  };
}
