/**
 * Redacting secrets from 1 MB of text (a big tool result or transcript), with none and with a few
 * secrets in it: the compiled redactor (plain, URL-encoded, base64 and base64url forms of three
 * secrets in one regular expression) against the split/join of each plain secret it replaced, which
 * found far fewer forms. The two alternate call by call, so load on the machine falls on both alike.
 */
import { createRedactor } from '../src/text/redact-secrets.ts';
import { type BenchRow, round, summarize } from './measure.ts';

const SECRETS = [
  'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz12',
  'pa-voyage-0123456789abcdef',
];

function splitJoin(text: string): string {
  let out = text;
  for (const secret of SECRETS) out = out.split(secret).join('[redacted]');
  return out;
}

export default async function (): Promise<BenchRow[]> {
  const redactor = createRedactor(SECRETS);
  const clean = 'lorem ipsum dolor sit amet, consectetur adipiscing elit; '
    .repeat(18_000)
    .slice(0, 1_000_000);
  const dirty = `${clean.slice(0, 300_000)}${SECRETS[0]}${clean.slice(300_000, 600_000)}${Buffer.from(
    `Bearer ${SECRETS[1]}`,
  ).toString('base64')}${clean.slice(600_000)}${encodeURIComponent(SECRETS[2] ?? '')}`;
  const rows: BenchRow[] = [];
  for (const [label, text] of [
    ['no secret in it', clean],
    ['three secrets in it (plain, base64, URL-encoded)', dirty],
  ] as const) {
    const ours: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < 220; i++) {
      const a = process.hrtime.bigint();
      redactor.redact(text);
      const b = process.hrtime.bigint();
      splitJoin(text);
      const c = process.hrtime.bigint();
      if (i >= 20) {
        ours.push(Number(b - a) / 1000);
        base.push(Number(c - b) / 1000);
      }
    }
    const mine = summarize(ours);
    const theirs = summarize(base);
    rows.push(
      { name: `split/join of each plain secret, 1 MB, ${label}`, ...theirs, runs: base.length },
      {
        name: `createRedactor, 1 MB, ${label}`,
        ...mine,
        runs: ours.length,
        note: `${round(mine.medianUs / theirs.medianUs)}x the split/join, which finds only the plain form`,
      },
    );
  }
  return rows;
}
