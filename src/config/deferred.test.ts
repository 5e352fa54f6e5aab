import { describe, expect, it } from 'vitest';
import { deferred } from './deferred.js';

describe('deferred', () => {
  it('passes calls on once the object is ready, and keeps the members given now', async () => {
    let resolve!: (value: { add(a: number, b: number): Promise<number>; name: string }) => void;
    const ready = new Promise<{ add(a: number, b: number): Promise<number>; name: string }>((r) => (resolve = r));
    const proxy = deferred(ready, { name: 'early' });
    expect(proxy.name).toBe('early');
    const sum = proxy.add(2, 3);
    resolve({ add: async (a, b) => a + b, name: 'late' });
    await expect(sum).resolves.toBe(5);
  });

  it('fails each call with the error of opening, without an unhandled rejection', async () => {
    const proxy = deferred<{ get(): Promise<number> }>(Promise.reject(new Error('cannot connect')));
    await expect(proxy.get()).rejects.toThrow('cannot connect');
    await expect(proxy.get()).rejects.toThrow('cannot connect');
  });

  it('is not mistaken for a promise', async () => {
    const proxy = deferred<{ get(): Promise<number> }>(Promise.resolve({ get: async () => 1 }));
    // Awaiting it gives the proxy itself, not a call to a "then" method.
    expect(await proxy).toBe(proxy);
  });
});
