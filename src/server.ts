/**
 * The reference service's entry point: `node dist/server.js` reads the environment (see
 * `.env.example`), mounts the library's router and the placeholder dashboard, and listens.
 * @module
 */
import { runFromEnvironment } from './server/start';

export {
  closeServer,
  configurationWarnings,
  startServer,
  type RunningServer,
} from './server/start';
export { createApp, type AppDependencies, type ReferenceApp } from './server/app';

if (require.main === module) runFromEnvironment();
