import { describe, expect, it } from 'vitest';
import type { Account, Principal, Role } from './accounts.js';
import { ACTIONS, decide } from './policy.js';

const account = (roles: Role[], disabled = false): Principal => ({
  kind: 'account',
  via: 'session',
  account: { id: 'a1', username: 'u', displayName: 'U', roles, createdAt: '2026-01-01T00:00:00Z', disabled } satisfies Account,
});
const open = { ask: true, readArticles: true };
const closed = { ask: false, readArticles: false };

describe('policy', () => {
  it('lets an administrator do everything', () => {
    for (const action of ACTIONS) expect(decide(account(['admin']), action, closed)).toBe('allow');
  });

  it('asks anonymous visitors to sign in, except where settings open the door', () => {
    const anonymous: Principal = { kind: 'anonymous' };
    for (const action of ACTIONS) {
      const openToAll = ['ask', 'search', 'read-sources', 'read-articles'].includes(action);
      expect(decide(anonymous, action, open)).toBe(openToAll ? 'allow' : 'unauthenticated');
      expect(decide(anonymous, action, closed)).toBe('unauthenticated');
    }
  });

  it('keeps editing with editors and decisions with reviewers', () => {
    expect(decide(account(['editor']), 'publish-article', closed)).toBe('allow');
    expect(decide(account(['editor']), 'review-article', closed)).toBe('forbidden');
    expect(decide(account(['reviewer']), 'review-article', closed)).toBe('allow');
    expect(decide(account(['reviewer']), 'publish-article', closed)).toBe('forbidden');
    expect(decide(account(['reader']), 'read-workspace', closed)).toBe('forbidden');
    expect(decide(account(['editor', 'reviewer']), 'read-audit', closed)).toBe('forbidden');
  });

  it('keeps ingest jobs with administrators: they read files on the server', () => {
    for (const roles of [['reader'], ['editor'], ['reviewer'], ['editor', 'reviewer']] as Role[][]) {
      expect(decide(account(roles), 'manage-library', open)).toBe('forbidden');
    }
    expect(decide({ kind: 'anonymous' }, 'manage-library', open)).toBe('unauthenticated');
    expect(decide(account(['admin']), 'manage-library', closed)).toBe('allow');
  });

  it('lets editors, and no other role but administrators, ask the server to fetch literature', () => {
    expect(decide(account(['editor']), 'fetch-literature', closed)).toBe('allow');
    expect(decide(account(['admin']), 'fetch-literature', closed)).toBe('allow');
    for (const roles of [['reader'], ['reviewer']] as Role[][]) expect(decide(account(roles), 'fetch-literature', open)).toBe('forbidden');
    expect(decide({ kind: 'anonymous' }, 'fetch-literature', open)).toBe('unauthenticated');
  });

  it('treats a disabled account as nobody', () => {
    expect(decide(account(['admin'], true), 'read-audit', open)).toBe('unauthenticated');
    expect(decide(account(['reader'], true), 'ask', open)).toBe('allow');
  });
});
