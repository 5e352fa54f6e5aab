import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeStoreContract } from '../../../test/contracts/store.contract.js';
import { openSqliteStore } from './sqlite-store.js';

describeStoreContract('SQLite (file)', async () =>
  openSqliteStore({ path: path.join(mkdtempSync(path.join(tmpdir(), 'citemed-store-')), 'lib.db'), busyTimeoutMs: 1000, cacheMiB: 8 }),
);

describeStoreContract('SQLite (in memory)', async () => openSqliteStore({ path: ':memory:', busyTimeoutMs: 1000, cacheMiB: 8 }));
