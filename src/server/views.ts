import path from 'node:path';
import type { Express } from 'express';
import { Eta } from 'eta';

/** Folder of the provider dashboard templates (`views/`), from both `src/web` and `dist/web`. */
export const VIEWS_DIR = path.resolve(__dirname, '..', '..', 'views');

/**
 * Registers Eta as the `.eta` view engine. Eta escapes every `<%= %>` output (autoEscape), so any
 * value from a query, a claim or the account hook is rendered as text (OWASP ASVS V5.3.3).
 * Templates are cached in production.
 */
export function useEtaViews(app: Express, production: boolean): void {
  const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: production, useWith: false });
  app.engine(
    'eta',
    (filePath: string, options: object, callback: (e: unknown, rendered?: string) => void) => {
      try {
        const name = path.relative(VIEWS_DIR, filePath).replace(/\.eta$/, '');
        callback(null, eta.render(`./${name}`, options as Record<string, unknown>));
      } catch (error) {
        callback(error);
      }
    },
  );
  app.set('view engine', 'eta');
  app.set('views', VIEWS_DIR);
}
