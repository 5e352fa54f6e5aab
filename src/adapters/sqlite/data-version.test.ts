import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataVersionCheck } from './data-version.js';

describe('dataVersionCheck', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  const pair = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'citemed-data-version-'));
    dirs.push(dir);
    const file = path.join(dir, 'library.db');
    const reader = new Database(file);
    reader.pragma('journal_mode = WAL');
    reader.exec('CREATE TABLE t (x)');
    return { reader, writer: new Database(file) };
  };

  it("sees another connection's commit at the next turn, reading the version once per synchronous run", async () => {
    const { reader, writer } = pair();
    let changes = 0;
    const check = dataVersionCheck(reader, () => changes++);
    check();
    expect(changes).toBe(1); // the first check finds no version yet
    await Promise.resolve();
    check();
    expect(changes).toBe(1);

    writer.exec('INSERT INTO t VALUES (1)');
    // Still within the synchronous run of the check above: not read again.
    check();
    expect(changes).toBe(1);
    await Promise.resolve();
    check();
    expect(changes).toBe(2);
    await Promise.resolve();
    check();
    expect(changes).toBe(2);

    // The reader's own writes do not change the version.
    reader.exec('INSERT INTO t VALUES (2)');
    await Promise.resolve();
    check();
    expect(changes).toBe(2);
    reader.close();
    writer.close();
  });
});
