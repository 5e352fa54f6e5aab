import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sourceWithPassages } from '../../../test/factories/sources.js';
import { SCHEMA_VERSION } from './schema.js';
import { openSqliteStore } from './sqlite-store.js';
import { topIndices, unit } from '../vector-scan.js';

describe('topIndices', () => {
  it('is the first k of a full sort by score (ties by index)', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, min: -1e6, max: 1e6 }), { maxLength: 200 }), fc.nat(250), (xs, k) => {
        const scores = Float32Array.from(xs);
        const sorted = [...scores.keys()].sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
        const top = topIndices(scores, k);
        expect(top.map((i) => scores[i])).toEqual(sorted.slice(0, k).map((i) => scores[i]));
        expect(new Set(top).size).toBe(top.length);
      }),
    );
  });
});

describe('unit', () => {
  it('scales to length 1 and leaves a zero vector zero', () => {
    expect([...unit(Float32Array.from([3, 4]))]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect([...unit(Float32Array.from([0, 0]))]).toEqual([0, 0]);
  });
});

describe('schema upgrade', () => {
  it('a library written before vectors existed (schema 1) gains them on open, keeping its content', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'citemed-upgrade-')), 'lib.db');
    const first = openSqliteStore({ path: file, busyTimeoutMs: 1000, cacheMiB: 8 });
    await first.write({ ops: [{ kind: 'upsert', ...sourceWithPassages() }], now: '2026-01-01T00:00:00.000Z' });
    await first.close();
    // Make it what schema 1 wrote: no vector table, user_version 1.
    const raw = new Database(file);
    raw.exec('DROP TABLE passage_vectors');
    raw.pragma('user_version = 1');
    raw.close();

    const upgraded = openSqliteStore({ path: file, busyTimeoutMs: 1000, cacheMiB: 8, create: false });
    expect((await upgraded.stats()).passages).toBe(2);
    const [p] = await upgraded.listPassages('pmid:1000001');
    expect(await upgraded.putVectors('m', [{ passageId: p!.id, vector: Float32Array.from([1, 0]) }])).toBe(1);
    await upgraded.close();
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();
  });
});
