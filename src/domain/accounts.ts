/**
 * People who use a citemed service and what they are: local accounts with roles. Plain data; the
 * policy that turns roles into permissions lives in `policy.ts`, passwords and tokens are hashed
 * by adapters.
 */

/**
 * - `reader`: asks, searches, reads articles (every account is at least a reader);
 * - `editor`: publishes answers as articles and edits them;
 * - `reviewer`: a member of the medical review board, who approves, requests changes or rejects;
 * - `admin`: runs the service: accounts, API keys, the audit log, re-review checks.
 */
export const ROLES = ['reader', 'editor', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export interface Account {
  id: string;
  /** Lower-case login name: letters, digits, '.', '_', '-'; 2–64 characters. */
  username: string;
  /** Shown on articles and approvals ("Dr Ana Ruiz"). */
  displayName: string;
  /** At least one. A person may be editor and reviewer, though never review their own version. */
  roles: Role[];
  /**
   * Qualifications shown beside a reviewer's approval ("MD, Infectious diseases; Hospital X"),
   * as a reader of the reference product's pages expects of its review board.
   */
  credentials?: string;
  /** ISO timestamps. */
  createdAt: string;
  /** A disabled account cannot sign in, and its sessions and keys stop working. */
  disabled: boolean;
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** 12 characters at least (NIST SP 800-63B asks for 8 minimum and allows long passphrases); 256 at most. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** Why a username cannot be used, or undefined when it can. */
export function usernameProblem(username: string): string | undefined {
  if (!USERNAME_PATTERN.test(username)) {
    return 'a username is 2–64 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit';
  }
  return undefined;
}

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, username?: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `a password needs at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `a password has at most ${PASSWORD_MAX_LENGTH} characters`;
  if (username && password.toLowerCase().includes(username.toLowerCase())) return 'a password must not contain the username';
  if (new Set(password).size < 4) return 'a password needs more than three different characters';
  return undefined;
}

/** Who is making a request: nobody signed in, or an account through a browser session or an API key. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'account'; account: Account; via: 'session' | 'api-key'; keyId?: string };

export const ANONYMOUS: Principal = { kind: 'anonymous' };

export function hasRole(principal: Principal, role: Role): boolean {
  return principal.kind === 'account' && !principal.account.disabled && principal.account.roles.includes(role);
}

/** The account id of a signed-in principal, or undefined. */
export function accountIdOf(principal: Principal): string | undefined {
  return principal.kind === 'account' ? principal.account.id : undefined;
}

/** An API key as listed: never its secret, which is shown once, when it is made. */
export interface ApiKey {
  id: string;
  accountId: string;
  /** What the key is for ("nightly ingest", "EHR plug-in"). */
  name: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/** A browser session. The token itself is only in the cookie; stores keep its hash. */
export interface Session {
  accountId: string;
  /** Sent back by the browser in the X-CSRF-Token header on every state-changing request. */
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}
