import { expect } from 'vitest';
import { CitemedError, type ErrorCode } from '../../src/domain/errors.js';

/** Awaits a promise that must fail with a CitemedError of `code`, and returns the error. */
export async function failure(promise: Promise<unknown>, code: ErrorCode): Promise<CitemedError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CitemedError);
  const citemedError = error as CitemedError;
  // The message is compared too, so a wrong code shows what the error said.
  expect({ code: citemedError.code, message: citemedError.message }).toMatchObject({ code });
  return citemedError;
}
