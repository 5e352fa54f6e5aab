import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  passwordProblem,
  usernameProblem,
  type Account,
  type ApiKey,
  type Principal,
  type Role,
  type Session,
} from '../domain/accounts.js';
import { CitemedError } from '../domain/errors.js';
import type { AccountChanges, AccountStore } from '../ports/editorial.js';
import type { PasswordHasher } from '../ports/passwords.js';

/**
 * Accounts, sign-in, sessions and API keys: the use cases behind the HTTP API's authentication
 * and the `citemed accounts` command. Secrets are random 256-bit tokens; stores keep only their
 * SHA-256 (a fast hash suits random tokens; passwords get Argon2id through the PasswordHasher).
 */
export interface AccountsDeps {
  store: AccountStore;
  passwords: PasswordHasher;
  now: () => Date;
  /** How long a browser session lasts, in ms. */
  sessionTtlMs: number;
  /** Random bytes (tests pass a seeded source). */
  random?: (bytes: number) => Buffer;
}

export interface NewAccountInput {
  username: string;
  displayName: string;
  roles: Role[];
  credentials?: string;
  password: string;
}

/** An account as the audit log records it: never a password hash. */
function auditView(account: Account): Record<string, unknown> {
  return {
    username: account.username,
    displayName: account.displayName,
    roles: account.roles,
    credentials: account.credentials ?? null,
    disabled: account.disabled,
  };
}

const bytes = (deps: AccountsDeps, n: number): Buffer => (deps.random ?? randomBytes)(n);
const token = (deps: AccountsDeps, n = 32): string => bytes(deps, n).toString('base64url');

/** SHA-256 of a token, hex: what stores keep and look up. */
export function tokenHash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Ten characters without look-alikes (no 0/o/1/l): account and key ids. */
export function shortId(random: Buffer): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  return [...random.subarray(0, 10)].map((b) => alphabet[b % alphabet.length]).join('');
}

export async function createAccount(deps: AccountsDeps, actor: string, input: NewAccountInput): Promise<Account> {
  const username = input.username.trim().toLowerCase();
  const problem =
    usernameProblem(username) ??
    (input.displayName.trim() === '' ? 'a display name is needed' : undefined) ??
    (input.roles.length === 0 ? 'an account needs at least one role' : undefined) ??
    passwordProblem(input.password, username);
  if (problem) throw new CitemedError('usage', problem);
  const createdAt = deps.now().toISOString();
  const id = shortId(bytes(deps, 10));
  const account = await deps.store.create(
    {
      id,
      username,
      displayName: input.displayName.trim(),
      roles: [...new Set(input.roles)],
      ...(input.credentials?.trim() ? { credentials: input.credentials.trim() } : {}),
      createdAt,
      passwordHash: await deps.passwords.hash(input.password),
    },
    { at: createdAt, actor, action: 'account.create', subjectType: 'account', subjectId: id, after: { username, roles: input.roles } },
  );
  return account;
}

/**
 * Changes an account's profile, roles or status; disabling also ends its sessions. A change that
 * changes nothing writes nothing and leaves no audit entry; one that flips the status is logged as
 * `account.disable` or `account.enable`, any other as `account.update`.
 */
export async function updateAccount(
  deps: AccountsDeps,
  actor: string,
  id: string,
  changes: Omit<AccountChanges, 'passwordHash'>,
): Promise<Account> {
  const before = await deps.store.get(id);
  if (!before) throw new CitemedError('not-found', `no account "${id}"`);
  if (changes.roles && changes.roles.length === 0) throw new CitemedError('usage', 'an account needs at least one role');
  if (changes.displayName !== undefined && changes.displayName.trim() === '') throw new CitemedError('usage', 'a display name is needed');
  const expected: Account = { ...before };
  if (changes.displayName !== undefined) expected.displayName = changes.displayName.trim();
  if (changes.roles) expected.roles = [...new Set(changes.roles)];
  if (changes.disabled !== undefined) expected.disabled = changes.disabled;
  if (changes.credentials === null) delete expected.credentials;
  else if (changes.credentials !== undefined) expected.credentials = changes.credentials;
  if (sameAccount(before, expected)) return before;
  const action = expected.disabled === before.disabled ? 'account.update' : expected.disabled ? 'account.disable' : 'account.enable';
  const after = await deps.store.update(id, { ...changes, ...(changes.roles ? { roles: expected.roles } : {}) }, {
    at: deps.now().toISOString(),
    actor,
    action,
    subjectType: 'account',
    subjectId: id,
    before: auditView(before),
    after: auditView(expected),
  });
  if (after.disabled) await deps.store.deleteSessionsOf(id);
  return after;
}

/** Whether an update would leave what the audit log records of an account as it was (roles as a set). */
function sameAccount(before: Account, after: Account): boolean {
  const roles = (account: Account) => [...account.roles].sort().join(',');
  return (
    before.displayName === after.displayName &&
    roles(before) === roles(after) &&
    (before.credentials ?? null) === (after.credentials ?? null) &&
    before.disabled === after.disabled
  );
}

/** Sets a new password; with `current`, the account holder's own change, which must prove the old one. */
export async function changePassword(deps: AccountsDeps, actor: string, id: string, password: string, current?: string): Promise<void> {
  const account = await deps.store.get(id);
  if (!account) throw new CitemedError('not-found', `no account "${id}"`);
  if (current !== undefined) {
    const found = await deps.store.findByUsername(account.username);
    if (!found || !(await deps.passwords.verify(found.passwordHash, current))) {
      throw new CitemedError('forbidden', 'the current password is not right');
    }
  }
  const problem = passwordProblem(password, account.username);
  if (problem) throw new CitemedError('usage', problem);
  await deps.store.update(
    id,
    { passwordHash: await deps.passwords.hash(password) },
    { at: deps.now().toISOString(), actor, action: 'account.password', subjectType: 'account', subjectId: id },
  );
  // Everyone signed in as this account signs in again with the new password.
  await deps.store.deleteSessionsOf(id);
}

/**
 * A hash of a password nobody has, verified when the username is unknown so that an unknown name
 * and a wrong password take the same time and get the same answer.
 */
let decoy: Promise<string> | undefined;

export interface SignedIn {
  /** The cookie value: shown to the browser once, stored only as a hash. */
  token: string;
  session: Session;
  account: Account;
}

export async function signIn(deps: AccountsDeps, username: string, password: string): Promise<SignedIn> {
  const found = await deps.store.findByUsername(username.trim().toLowerCase());
  decoy ??= deps.passwords.hash(randomBytes(16).toString('hex'));
  const ok = found ? await deps.passwords.verify(found.passwordHash, password) : (await deps.passwords.verify(await decoy, password), false);
  if (!found || !ok || found.account.disabled) {
    throw new CitemedError('unauthenticated', 'the username or password is not right', {
      hint: 'an administrator can reset a password with `citemed accounts password <username>`',
    });
  }
  const now = deps.now();
  if (deps.passwords.needsRehash(found.passwordHash)) {
    await deps.store.update(
      found.account.id,
      { passwordHash: await deps.passwords.hash(password) },
      { at: now.toISOString(), actor: found.account.id, action: 'account.rehash', subjectType: 'account', subjectId: found.account.id },
    );
  }
  // Sweep expired sessions now and then: signing in is rare enough, and it keeps the table small.
  await deps.store.deleteExpiredSessions(now.toISOString());
  const value = token(deps);
  const session: Session = {
    accountId: found.account.id,
    csrfToken: token(deps),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.sessionTtlMs).toISOString(),
  };
  await deps.store.createSession(tokenHash(value), session, {
    at: session.createdAt,
    actor: found.account.id,
    action: 'session.create',
    subjectType: 'session',
    subjectId: found.account.id,
  });
  return { token: value, session, account: found.account };
}

export async function signOut(deps: AccountsDeps, sessionToken: string, accountId: string): Promise<void> {
  await deps.store.deleteSession(tokenHash(sessionToken), {
    at: deps.now().toISOString(),
    actor: accountId,
    action: 'session.delete',
    subjectType: 'session',
    subjectId: accountId,
  });
}

/** The signed-in principal of a session cookie, or undefined when it is unknown, expired or its account is disabled. */
export async function sessionPrincipal(deps: AccountsDeps, sessionToken: string): Promise<{ principal: Principal; session: Session } | undefined> {
  const session = await deps.store.getSession(tokenHash(sessionToken));
  if (!session || session.expiresAt <= deps.now().toISOString()) return undefined;
  const account = await deps.store.get(session.accountId);
  if (!account || account.disabled) return undefined;
  return { principal: { kind: 'account', account, via: 'session' }, session };
}

/** API keys read `cmk_<id>_<secret>`: the id finds the key, the secret proves it. */
const KEY_FORMAT = /^cmk_([a-z2-9]{10})_([A-Za-z0-9_-]{43})$/;

export function looksLikeApiKey(value: string): boolean {
  return KEY_FORMAT.test(value);
}

/**
 * A key's "last used" is kept to the minute: a script calling the API in a loop would otherwise
 * write to the library on every request.
 */
export const KEY_USE_RESOLUTION_MS = 60_000;

export async function keyPrincipal(deps: AccountsDeps, value: string): Promise<Principal | undefined> {
  const match = KEY_FORMAT.exec(value);
  if (!match) return undefined;
  const [, id = '', secret = ''] = match;
  const found = await deps.store.findKey(id);
  if (!found || found.key.revokedAt) return undefined;
  const expected = Buffer.from(found.secretHash, 'hex');
  const given = Buffer.from(tokenHash(secret), 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  const account = await deps.store.get(found.key.accountId);
  if (!account || account.disabled) return undefined;
  const now = deps.now();
  if (!found.key.lastUsedAt || now.getTime() - Date.parse(found.key.lastUsedAt) >= KEY_USE_RESOLUTION_MS) {
    await deps.store.touchKey(id, now.toISOString());
  }
  return { kind: 'account', account, via: 'api-key', keyId: id };
}

export async function createApiKey(deps: AccountsDeps, actor: string, accountId: string, name: string): Promise<{ key: ApiKey; token: string }> {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 100) throw new CitemedError('usage', 'a key needs a name of 1–100 characters (what it is for)');
  const id = shortId(bytes(deps, 10));
  const secret = token(deps);
  const key: ApiKey = { id, accountId, name: trimmed, createdAt: deps.now().toISOString() };
  await deps.store.createKey(key, tokenHash(secret), {
    at: key.createdAt,
    actor,
    action: 'api-key.create',
    subjectType: 'api-key',
    subjectId: id,
    after: { accountId, name: trimmed },
  });
  return { key, token: `cmk_${id}_${secret}` };
}

/** Revokes a key; `mayRevokeAny` (admins) or the key's own account only: others are told there is no such key. */
export async function revokeApiKey(deps: AccountsDeps, actor: string, id: string, mayRevokeAny: boolean): Promise<ApiKey> {
  const found = await deps.store.findKey(id);
  if (!found || (!mayRevokeAny && found.key.accountId !== actor)) throw new CitemedError('not-found', `no API key "${id}"`);
  const revoked = await deps.store.revokeKey(id, deps.now().toISOString(), {
    at: deps.now().toISOString(),
    actor,
    action: 'api-key.revoke',
    subjectType: 'api-key',
    subjectId: id,
  });
  if (!revoked) throw new CitemedError('not-found', `no API key "${id}"`);
  return revoked;
}
