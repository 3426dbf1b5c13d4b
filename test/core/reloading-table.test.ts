// The reloading table behind the provider catalog, the route table and the
// prompt-rule table: one load for many reads, a TTL reload behind the read,
// the last known table on a failed reload, invalidate — and an outage right
// after an invalidation, which answers the last loaded table.
import { describe, expect, it } from 'vitest';
import { createReloadingTable } from '../../src/core/reloading-table.js';
import { DatabaseUnavailableError } from '../../src/domain/database-unavailable-error.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function fakeSource(initial: string[]) {
  const state = { rows: initial, loads: 0, fail: false, down: false, gate: undefined as Promise<void> | undefined };
  const load = async () => {
    state.loads += 1;
    if (state.gate) await state.gate;
    if (state.down) throw new DatabaseUnavailableError('ECONNREFUSED', new Error('connect ECONNREFUSED 127.0.0.1:3306'));
    if (state.fail) throw new Error('database down');
    return [...state.rows];
  };
  return { state, load };
}

describe('createReloadingTable', () => {
  it('loads once for concurrent first reads, then serves from memory until the TTL', async () => {
    let now = 0;
    const { state, load } = fakeSource(['a']);
    const table = createReloadingTable({ load, ttlMs: 1000, now: () => now });

    expect(await Promise.all([table.get(), table.get()])).toEqual([['a'], ['a']]);
    expect(state.loads).toBe(1);
    state.rows = ['b'];
    now = 1000; // not yet past the TTL
    expect(await table.get()).toEqual(['a']);
    expect(state.loads).toBe(1);
  });

  it('after the TTL answers with the known table and reloads behind the read', async () => {
    let now = 0;
    const { state, load } = fakeSource(['a']);
    const table = createReloadingTable({ load, ttlMs: 1000, now: () => now });
    await table.get();

    state.rows = ['a', 'b'];
    now = 1001;
    expect(await table.get()).toEqual(['a']); // stale while the reload runs
    await tick();
    expect(state.loads).toBe(2);
    expect(await table.get()).toEqual(['a', 'b']);
    expect(state.loads).toBe(2); // the reload restarted the TTL
  });

  it('peek: nothing before the first load and after invalidate; the table in memory otherwise, reloading behind it after the TTL', async () => {
    let now = 0;
    const { state, load } = fakeSource(['a']);
    const table = createReloadingTable({ load, ttlMs: 1000, now: () => now });
    expect(table.peek()).toBeUndefined();
    expect(state.loads).toBe(0); // peek never loads a table nobody has asked for
    await table.get();
    expect(table.peek()).toEqual(['a']);
    state.rows = ['b'];
    now = 1001;
    expect(table.peek()).toEqual(['a']); // stale while the reload runs
    await tick();
    expect(state.loads).toBe(2);
    expect(table.peek()).toEqual(['b']);
    table.invalidate();
    expect(table.peek()).toBeUndefined();
    expect(await table.get()).toEqual(['b']);
    expect(state.loads).toBe(3);
  });

  it('keeps serving the last known table when a reload fails, and tells onError', async () => {
    let now = 0;
    const errors: unknown[] = [];
    const { state, load } = fakeSource(['a']);
    const table = createReloadingTable({ load, ttlMs: 1000, now: () => now, onError: (error) => errors.push(error) });
    await table.get();

    state.fail = true;
    now = 2000;
    expect(await table.get()).toEqual(['a']);
    await tick();
    expect(errors).toHaveLength(1);
    expect(await table.get()).toEqual(['a']);
    await tick();
    expect(errors).toHaveLength(2); // still past the TTL: every read retries behind itself

    state.fail = false;
    state.rows = ['c'];
    expect(await table.get()).toEqual(['a']);
    await tick();
    expect(await table.get()).toEqual(['c']);
  });

  it('fails the read when the first load fails (nothing known yet), and loads again on the next read', async () => {
    const errors: unknown[] = [];
    const { state, load } = fakeSource(['a']);
    const table = createReloadingTable({ load, onError: (error) => errors.push(error) });
    state.fail = true;
    await expect(table.get()).rejects.toThrow('database down');
    expect(errors).toEqual([]);
    state.fail = false;
    expect(await table.get()).toEqual(['a']);
    expect(state.loads).toBe(2);
  });

  it('invalidate makes the next read wait for a fresh load', async () => {
    const { state, load } = fakeSource(['a']);
    const table = createReloadingTable({ load, now: () => 0 });
    await table.get();
    state.rows = ['b'];
    table.invalidate();
    expect(await table.get()).toEqual(['b']);
    expect(state.loads).toBe(2);
  });

  it('does not keep a load that began before an invalidation', async () => {
    const { state, load } = fakeSource(['old']);
    const table = createReloadingTable({ load, now: () => 0 });
    let release!: () => void;
    state.gate = new Promise<void>((resolve) => (release = resolve));
    const first = table.get();
    table.invalidate(); // an admin write while the load reads
    release();
    expect(await first).toEqual(['old']); // its callers still get it
    state.gate = undefined;
    state.rows = ['new'];
    expect(await table.get()).toEqual(['new']); // but it was not kept
    expect(state.loads).toBe(2);
  });

  it('defaults to a 30 s TTL', async () => {
    let now = 0;
    const { state, load } = fakeSource(['a']);
    const table = createReloadingTable({ load, now: () => now });
    await table.get();
    now = 30_000;
    await table.get();
    await tick();
    expect(state.loads).toBe(1);
    now = 30_001;
    await table.get();
    await tick();
    expect(state.loads).toBe(2);
  });

  describe('an outage right after an invalidation (an admin write, then the database goes away)', () => {
    function setup() {
      const { state, load } = fakeSource(['a']);
      const staleServed: unknown[] = [];
      const table = createReloadingTable({ load, now: () => 0, retryPauseMs: 0, readWaitMs: 50, onStaleServed: (error) => staleServed.push(error) });
      return { state, table, staleServed };
    }

    it('answers the last loaded table, reporting it once per outage, and the fresh one once the database answers', async () => {
      const { state, table, staleServed } = setup();
      expect(await table.get()).toEqual(['a']);
      state.rows = ['a', 'b'];
      table.invalidate();
      state.down = true;

      expect(await table.get()).toEqual(['a']);
      expect(await table.get()).toEqual(['a']);
      expect(table.peek()).toBeUndefined(); // still stale: the hot path keeps asking get(), which keeps trying
      expect(state.loads).toBe(3);
      expect(staleServed).toHaveLength(1);
      expect(staleServed[0]).toBeInstanceOf(DatabaseUnavailableError);

      state.down = false;
      expect(await table.get()).toEqual(['a', 'b']);
      expect(table.peek()).toEqual(['a', 'b']);

      // A second outage after a second write is reported again.
      table.invalidate();
      state.down = true;
      expect(await table.get()).toEqual(['a', 'b']);
      expect(staleServed).toHaveLength(2);
    });

    it('fails the read on any other failure: only an unavailable database answers the last loaded table', async () => {
      const { state, table, staleServed } = setup();
      await table.get();
      table.invalidate();
      state.fail = true;
      await expect(table.get()).rejects.toThrow('database down');
      expect(staleServed).toEqual([]);
    });

    it('a database that hangs: the last loaded table answers after readWaitMs, later reads do not wait, and the late load is kept', async () => {
      const { state, table, staleServed } = setup();
      await table.get();
      let release!: () => void;
      state.gate = new Promise<void>((resolve) => (release = resolve));
      state.rows = ['new'];
      table.invalidate();
      expect(await table.get()).toEqual(['a']);
      expect(staleServed).toHaveLength(1);
      expect(await table.get()).toEqual(['a']); // the same load, already late: answered at once
      expect(state.loads).toBe(2);
      state.gate = undefined;
      release();
      await tick();
      expect(table.peek()).toEqual(['new']);
    });

    it('after a failure the source is left alone for the retry pause, the last loaded table answering meanwhile', async () => {
      const { state, load } = fakeSource(['a']);
      const table = createReloadingTable({ load, now: () => 0, retryPauseMs: 60_000 });
      await table.get();
      table.invalidate();
      state.down = true;
      for (let read = 0; read < 10; read += 1) expect(await table.get()).toEqual(['a']);
      expect(state.loads).toBe(2);
      // Another write: the database may be back, so the next read asks it again.
      state.down = false;
      state.rows = ['b'];
      table.invalidate();
      expect(await table.get()).toEqual(['b']);
    });

    it('a read after an invalidation does not join a load that began before it', async () => {
      const { state, load } = fakeSource(['old']);
      const table = createReloadingTable({ load, now: () => 0 });
      await table.get();
      let release!: () => void;
      state.gate = new Promise<void>((resolve) => (release = resolve));
      table.invalidate();
      const before = table.get(); // a load that reads the table before the write below
      await tick();
      state.gate = undefined;
      state.rows = ['new'];
      table.invalidate();
      expect(await table.get()).toEqual(['new']);
      release();
      await before;
      expect(table.peek()).toEqual(['new']);
    });
  });
});
