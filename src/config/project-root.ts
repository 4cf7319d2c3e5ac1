/** The folder of package.json: relative paths in the configuration are resolved against it. */
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

/** The project folder (a function, for defaults that read it). */
export const projectRoot = (): string => PROJECT_ROOT;
