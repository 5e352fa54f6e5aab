import type { Container } from '../config/container.js';
import type { Settings } from '../config/settings.js';
import type { ServerMetrics } from './metrics.js';

/** What the routes use of the container: the use cases, the library, threads, accounts and articles. */
export type ServerContainer = Pick<Container, 'search' | 'ask' | 'store' | 'threads' | 'editorial' | 'accounts' | 'articles'>;

export type ServerSettings = Settings['server'];

/** What every route module is handed when it is registered. */
export interface RouteDeps {
  container: ServerContainer;
  settings: ServerSettings;
  metrics: ServerMetrics;
  /** Set once shutdown begins: readiness fails and new requests are turned away. */
  state: { closing: boolean };
}
