// The reloading table behind the provider catalog, the route table and the
// prompt-rule table: one load for many reads, a TTL reload behind the read,
// the last known table on a failed reload, invalidate.
import { describe, expect, it } from 'vitest';
import { createReloadingTable } from '../../src/core/reloading-table.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function fakeSource(initial: string[]) {
  const state = { rows: initial, loads: 0, fail: false, gate: undefined as Promise<void> | undefined };
  const load = async () => {
    state.loads += 1;
    if (state.gate) await state.gate;
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
});
