// Worker threads start without the TypeScript loader the main thread has; register it, then run
// the postings worker. tsx is a runtime dependency of citemed.
import { register } from 'tsx/esm/api';

register();
await import('./postings-thread-body.ts');
