// Small helpers shared by the contract suites.
import { GuichetError, type ErrorCode } from '../../bot/errors';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

/** Asserts that `promise` rejects with GuichetError(code). */
export async function expectGuichetError(promise: Promise<unknown>, code: ErrorCode): Promise<GuichetError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(GuichetError);
  expect((error as GuichetError).code).toBe(code);
  return error as GuichetError;
}

/** A time-ordered UUID (version 7), as the stores give new requests, conversations and contacts. */
export const UUID_VERSION_7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
