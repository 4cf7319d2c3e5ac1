/**
 * The store: one SQLite database (node:sqlite, no native addon) in DATA_DIR, shared by every domain
 * (skills now; sessions, transcripts and the audit log later). Each domain owns its schema as a list of
 * numbered migrations and applies it with `store.migrate(domain, migrations)`, so a domain file such
 * as `skills-repo.ts` or `sessions.ts` is self-contained and domains never renumber each other.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { describeError, StorageError, UsageError } from '../errors.ts';

/** Where the database lives: a folder (the file is `toolsmith.db` in it) or an exact path (`:memory:` too). */
export type StoreLocation = { dataDir: string } | { path: string };

export interface StoreOptions {
  /** How long a writer waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
}

/** An open database. Dispose (or `close()`) when done; `using store = openStore(...)` works. */
export interface Store extends Disposable {
  readonly db: DatabaseSync;
  /** The database file, or `:memory:`. */
  readonly path: string;
  /**
   * Bring `domain`'s schema up to date: migration `i` (0-based) is version `i + 1`; those not yet
   * applied run in order, each in its own transaction. Returns the domain's version.
   * Throws a StorageError when the database is newer than the migrations given.
   */
  migrate(domain: string, migrations: readonly string[]): number;
  /** The applied version of a domain (0 when none). */
  version(domain: string): number;
  /** Run `fn` in a transaction (BEGIN IMMEDIATE), committing on return and rolling back on throw. Nests. */
  transaction<T>(fn: () => T): T;
  close(): void;
  readonly closed: boolean;
}

const DB_FILE = 'toolsmith.db';
const DOMAIN = /^[a-z][a-z0-9_-]{0,63}$/;

/** Open (creating if needed) the database with WAL, busy_timeout and foreign keys on. */
export function openStore(location: StoreLocation, options: StoreOptions = {}): Store {
  const file = 'path' in location ? location.path : path.join(location.dataDir, DB_FILE);
  if (file !== ':memory:') {
    try {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    } catch (cause) {
      throw new StorageError(`cannot create the folder of the database ${file}`, {
        fix: 'Check DATA_DIR and its permissions',
        cause,
      });
    }
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, {
      enableForeignKeyConstraints: true,
      timeout: options.busyTimeoutMs ?? 5000,
    });
    if (file !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      domain TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT`);
  } catch (cause) {
    throw new StorageError(`cannot open the database ${file}: ${describeError(cause)}`, {
      fix: 'Check that DATA_DIR is writable and the file is a SQLite database (move it away to start afresh)',
      cause,
    });
  }
  return createStore(db, file);
}

/** The open database and what its methods share: whether it is closed, the transaction depth. */
interface StoreState {
  readonly db: DatabaseSync;
  readonly file: string;
  readonly getVersion: StatementSync;
  readonly setVersion: StatementSync;
  closed: boolean;
  depth: number;
}

function createStore(db: DatabaseSync, file: string): Store {
  const state: StoreState = {
    db,
    file,
    getVersion: db.prepare('SELECT version FROM schema_migrations WHERE domain = ?'),
    setVersion: db.prepare(
      `INSERT INTO schema_migrations (domain, version, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (domain) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
    ),
    closed: false,
    depth: 0,
  };
  const close = () => {
    if (state.closed) return;
    state.closed = true;
    db.close();
  };

  return {
    db,
    path: file,
    migrate: (domain, migrations) => migrate(state, domain, migrations),
    version: (domain) => version(state, domain),
    transaction: (fn) => transaction(state, fn),
    close,
    get closed() {
      return state.closed;
    },
    [Symbol.dispose]: close,
  };
}

function assertOpen(state: StoreState): void {
  if (state.closed) throw new UsageError('the store is closed');
}

function version(state: StoreState, domain: string): number {
  assertOpen(state);
  const row = state.getVersion.get(domain);
  const value = row?.version;
  return typeof value === 'number' ? value : 0;
}

function transaction<T>(state: StoreState, fn: () => T): T {
  assertOpen(state);
  const { db } = state;
  const savepoint = `sp_${state.depth}`;
  db.exec(state.depth === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
  state.depth += 1;
  try {
    const result = fn();
    state.depth -= 1;
    db.exec(state.depth === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
    return result;
  } catch (error) {
    state.depth -= 1;
    db.exec(state.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
    throw error;
  }
}

function migrate(state: StoreState, domain: string, migrations: readonly string[]): number {
  if (!DOMAIN.test(domain)) throw new UsageError(`invalid migration domain "${domain}"`);
  const current = version(state, domain);
  if (current > migrations.length) {
    throw new StorageError(
      `the database ${state.file} has ${domain} schema version ${current}, newer than this Toolsmith knows (${migrations.length})`,
      { fix: 'Upgrade Toolsmith, or point DATA_DIR at another folder' },
    );
  }
  for (let next = current + 1; next <= migrations.length; next++) {
    const sql = migrations[next - 1] ?? '';
    try {
      transaction(state, () => {
        state.db.exec(sql);
        state.setVersion.run(domain, next, new Date().toISOString());
      });
    } catch (cause) {
      throw new StorageError(`${domain} migration ${next} failed: ${describeError(cause)}`, {
        fix: 'This is a bug in the migration; the database was left at the previous version',
        cause,
      });
    }
  }
  return migrations.length;
}
