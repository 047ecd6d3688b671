// Polling for what a client will see soon; no server address needed, so suites of any layout can import it.

/** Resolves with `fn()` once it returns a truthy value; polls every `interval` ms for at most `ms`. */
export async function eventually(fn, what, ms = 15_000, interval = 100) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
}
