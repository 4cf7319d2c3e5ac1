/**
 * Redacting secrets from 1 MB of text (a big tool result or transcript), with none and with a few
 * secrets in it: the compiled redactor (plain, URL-encoded, base64 and base64url forms of three
 * secrets in one regular expression) against the split/join of each plain secret it replaced, which
 * found far fewer forms. The two alternate call by call in rounds (bench/measure.ts), so load on the
 * machine falls on both alike; the ratio is the median of the per-round ratios, with their range.
 */
import { createRedactor } from '../src/text/redact-secrets.ts';
import { type BenchRow, compare } from './measure.ts';

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
    rows.push(
      ...(await compare(
        { name: `split/join of each plain secret, 1 MB, ${label} (baseline)`, fn: () => splitJoin(text) },
        [
          {
            name: `createRedactor, 1 MB, ${label}`,
            fn: () => redactor.redact(text),
            note: 'the split/join finds only the plain form',
          },
        ],
        { rounds: 8, perRound: 25, warmup: 20 },
      )),
    );
  }
  return rows;
}
