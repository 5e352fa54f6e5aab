// Worker threads start without the TypeScript loader the main thread has; register it, then run
// the worker. tsx is a runtime dependency of citemed.
import { register } from 'tsx/esm/api';

register();
await import('./prepare-worker.ts');
