// Worker threads start without the TypeScript loader the main thread has: register it, then run
// the worker body.
import { register } from 'tsx/esm/api';

register();
await import('./throughput-worker.ts');
