/**
 * An object whose methods are all async, usable before it exists: each call waits for `ready`
 * and is then passed on. The composition root is synchronous, and a PostgreSQL library is opened
 * asynchronously (connect, migrate); with this, commands and the server wire it like the SQLite
 * one, and a failure to open surfaces from the first call, as the error that call would get.
 * `now` holds the members needed at once (a store's `description`).
 */
export function deferred<T extends object>(ready: Promise<T>, now: Partial<T> = {}): T {
  // An unhandled rejection would crash the process before any caller asks; callers see it instead.
  ready.catch(() => undefined);
  return new Proxy(now as T, {
    get(target, property) {
      if (property in target) return target[property as keyof T];
      if (property === 'then') return undefined; // not a promise itself
      return async (...args: unknown[]) => {
        const object = await ready;
        const member = object[property as keyof T];
        if (typeof member !== 'function') throw new TypeError(`${String(property)} is not a method`);
        return (member as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}
