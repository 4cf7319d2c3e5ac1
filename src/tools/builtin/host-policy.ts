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
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True for an address that is not on the public internet (private, loopback, link-local, ...). */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '');
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip) ?? /^64:ff9b::(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  if (/^::ffff:/i.test(ip)) return true; // hex-written mapped IPv4: refuse rather than decode
  return blocked.check(ip, 'ipv6');
}

/** Normalise a host from a URL or the allowlist: lowercase, no brackets, no trailing dot. */
export function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
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
