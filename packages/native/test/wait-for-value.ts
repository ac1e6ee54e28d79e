import { waitFor } from '@rdshare/testkit';

/** `waitFor` for checks that return the awaited thing itself (a found window, an event). */
export async function waitForValue<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  return (await waitFor(check, timeoutMs, what)) as T;
}
