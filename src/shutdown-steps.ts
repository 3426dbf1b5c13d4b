// The composed gateway's final steps at shutdown, run in order. Each step runs
// even when one before it failed (a spend write refused by a busy database must
// not cost the request log its final flush); each failure is logged, and the
// first is reported once all have run.
export type ShutdownStep = [what: string, step: () => Promise<void>];

export async function runShutdownSteps(log: { error(fields: object, message: string): void }, steps: readonly ShutdownStep[]): Promise<void> {
  const failures: unknown[] = [];
  for (const [what, step] of steps) {
    await step().catch((error: unknown) => {
      failures.push(error);
      log.error({ err: error }, `shutdown: ${what} failed`);
    });
  }
  if (failures.length > 0) throw failures[0];
}

/** A final write, tried 3 times 200 ms apart: a database busy with another process's write is transient. */
export async function retried(write: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (attempt === 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
