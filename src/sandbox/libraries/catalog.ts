/**
 * The libraries agent code may import in the sandbox: vetted pure-JavaScript packages the project
 * depends on (package.json), bundled for the isolate on first use. Nothing else can be imported,
 * and nothing is ever fetched at run time.
 *
 * The .xlsx reader is `read-excel-file` (its `universal` build: fflate + a pure-JS SAX parser, no
 * Node streams, no DOM): maintained, and without open advisories, unlike the npm `xlsx` package
 * (0.18.5, prototype pollution and ReDoS advisories fixed only in SheetJS builds that are not on
 * the npm registry) and `exceljs` (needs Node streams and pulls in archiver, unzipper and tmp).
 */

export interface LibraryEntry {
  /** What code imports: `import Papa from 'papaparse'`. */
  name: string;
  /** The package entry bundled for it (a subpath where the default one needs Node). */
  entry: string;
  /** The package whose version names the bundle. */
  packageName: string;
  /** A few words for the system prompt. */
  about: string;
  /**
   * Code put before the library, in its own scope (never a global): e.g. a stand-in for a browser
   * class the library only tests `instanceof` against.
   */
  preamble?: string;
}

export const LIBRARIES: readonly LibraryEntry[] = [
  { name: 'papaparse', entry: 'papaparse', packageName: 'papaparse', about: 'CSV parse/unparse' },
  { name: 'date-fns', entry: 'date-fns', packageName: 'date-fns', about: 'dates' },
  { name: 'lodash-es', entry: 'lodash-es', packageName: 'lodash-es', about: 'groupBy, sortBy, …' },
  {
    name: 'simple-statistics',
    entry: 'simple-statistics',
    packageName: 'simple-statistics',
    about: 'mean, median, quantile, regression',
  },
  { name: 'yaml', entry: 'yaml', packageName: 'yaml', about: 'YAML parse/stringify' },
  { name: 'fflate', entry: 'fflate', packageName: 'fflate', about: 'zip/gzip' },
  {
    name: 'read-excel-file',
    entry: 'read-excel-file/universal',
    packageName: 'read-excel-file',
    about: '.xlsx reader: readSheet(arrayBuffer) gives rows',
    // It checks `input instanceof Blob` before taking an ArrayBuffer; the isolate has no Blob.
    preamble: 'var Blob = globalThis.Blob || class Blob {};',
  },
];

/** The catalog entry for an import specifier, if it is allowed. */
export function findLibrary(name: string): LibraryEntry | undefined {
  return LIBRARIES.find((library) => library.name === name);
}

/** One line for the system prompt: what can be imported. */
export function librariesLine(): string {
  return `Libraries you can import (\`import Papa from 'papaparse'\`, \`await import('yaml')\`): ${LIBRARIES.map((l) => `${l.name} (${l.about})`).join(', ')}. Nothing else can be imported.`;
}

/** The global that prepare-code points `import` at (the library provider's namespace). */
export const IMPORT_NAMESPACE = '__toolsmith_import';
