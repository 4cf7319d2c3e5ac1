/**
 * Which hosts `web.fetch` may reach: names on the allowlist (`example.com`, or `*.example.com` for its
 * subdomains), and never private, loopback, link-local or otherwise non-public addresses unless
 * explicitly allowed (the check runs on the resolved address, at connect time).
 */
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['64:ff9b:1::', 48], // local-use NAT64: whatever it translates to is the operator's own network
  ['100::', 64],
  ['2001::', 32], // Teredo: tunnels to an IPv4 address the prefix does not show
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/**
 * True for an address that is not on the public internet (private, loopback, link-local, ...).
 * IPv6 forms that carry an IPv4 address are judged by that address, however they are written:
 * IPv4-mapped (`::ffff:a.b.c.d`, `::ffff:7f00:1`), IPv4-compatible (`::a.b.c.d`, which covers `::`
 * and `::1`), SIIT (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`, `64:ff9b::a9fe:a9fe`) and 6to4
 * (`2002:AABB:CCDD::`). Anything that is not an address counts as private.
 */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '');
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family !== 6) return true;
  const groups = ipv6Groups(ip);
  if (!groups) return true;
  const zero = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  const [g0 = 0, g1 = 0, g2 = 0, , g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const embedded =
    (zero(0, 5) && (g5 === 0xffff || g5 === 0)) || // mapped, compatible
    (zero(0, 4) && g4 === 0xffff && g5 === 0) || // SIIT
    (g0 === 0x64 && g1 === 0xff9b && zero(2, 6)) // NAT64 well-known prefix
      ? v4(g6, g7)
      : g0 === 0x2002
        ? v4(g1, g2) // 6to4
        : undefined;
  if (embedded !== undefined) return blocked.check(embedded, 'ipv4');
  return blocked.check(ip, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (any spelling: `::`, dotted tail, zone id). */
function ipv6Groups(ip: string): number[] | undefined {
  let host: string;
  try {
    // The URL parser writes IPv6 canonically: lowercase hex, a dotted tail as two groups.
    host = new URL(`http://[${ip.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const [head = '', tail] = host.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const groups = [...left, ...Array<string>(missing).fill('0'), ...right].map((group) =>
    Number.parseInt(group, 16),
  );
  return groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff)
    ? groups
    : undefined;
}

/** Normalise a host from a URL or the allowlist: lowercase, no brackets, no trailing dot, IPv6 canonical. */
export function normalizeHost(host: string): string {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (isIP(name) !== 6) return name;
  // One spelling per IPv6 address (the URL parser's), so `[::169.254.169.254]` matches `[::a9fe:a9fe]`.
  try {
    return new URL(`http://[${name}]/`).hostname.slice(1, -1);
  } catch {
    return name;
  }
}

/** True when `host` is on `allowedHosts` (exact name, or a subdomain of a `*.` entry). */
export function isHostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const name = normalizeHost(host);
  return allowedHosts.some((entry) => {
    const allowed = normalizeHost(entry);
    if (allowed.startsWith('*.')) return name.endsWith(allowed.slice(1)) && name.length > allowed.length - 1;
    return name === allowed;
  });
}
