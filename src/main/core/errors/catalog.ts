import type { Step } from './agent-error';
import { engineErrors } from './catalog-engine';
import { shareErrors } from './catalog-share';
import { databaseErrors } from './catalog-database';

/** zh and en are templates: `{name}` is filled from the error's params. */
export interface ErrorTemplate {
  step: Step;
  zh: string;
  en: string;
}

/**
 * The whole catalog, one table per domain (engine, share, database) so each stays readable.
 * Adding a code: put it in the domain table; the type ErrorCode follows automatically.
 */
export const errorCatalog = {
  ...engineErrors,
  ...shareErrors,
  ...databaseErrors,
} satisfies Record<string, ErrorTemplate>;

export type ErrorCode = keyof typeof errorCatalog;

export function lookupError(code: ErrorCode): ErrorTemplate {
  const template = errorCatalog[code];
  if (!template) throw new Error(`unknown error code ${String(code)}`);
  return template;
}
