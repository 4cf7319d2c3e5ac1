/**
 * Audit retention (AUDIT_RETENTION_DAYS): rows older than the retention are deleted once at start and
 * then every interval (daily by default), so a tool-call flood does not grow the database for ever.
 */
import type { AuditRepo } from './audit-repo.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AuditRetentionOptions {
  audit: Pick<AuditRepo, 'prune'>;
  /** Days to keep; 0 keeps everything (nothing is scheduled). */
  days: number;
  now?: () => Date;
  /** How often to prune after the first time (default one day). */
  intervalMs?: number;
  /** Told after each prune that deleted rows (for the log). */
  onPrune?: (deleted: number, before: Date) => void;
  /** Told when a prune fails (a busy or broken database); the next one is tried as scheduled. */
  onError?: (error: unknown) => void;
}

/** Prune now and on a timer (unref'd: it never keeps the process alive); returns `stop`. */
export function startAuditRetention(options: AuditRetentionOptions): () => void {
  if (!Number.isFinite(options.days) || options.days <= 0) return () => {};
  const now = options.now ?? (() => new Date());
  const prune = () => {
    const before = new Date(now().getTime() - options.days * DAY_MS);
    try {
      const deleted = options.audit.prune(before);
      if (deleted > 0) options.onPrune?.(deleted, before);
    } catch (error) {
      options.onError?.(error);
    }
  };
  prune();
  const timer = setInterval(prune, options.intervalMs ?? DAY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
