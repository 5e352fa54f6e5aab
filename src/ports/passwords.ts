/**
 * Password hashing: slow on purpose, salted, and self-describing (the hash string carries its
 * algorithm and parameters), so parameters can be raised later without breaking old hashes.
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a hash this hasher cannot read; never throws for those. */
  verify(hash: string, password: string): Promise<boolean>;
  /** True when a hash was made with weaker parameters than today's and should be replaced at the next sign-in. */
  needsRehash(hash: string): boolean;
}
