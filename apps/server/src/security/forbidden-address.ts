import net from 'node:net';

/**
 * Which addresses a request made on a tenant's behalf may not reach (SSRF, DESIGN.md §8):
 * everything but public unicast. The guarded HTTP client and the SMTP transport both ask.
 */

function ipv4Number(address: string): number {
  return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

/**
 * IPv4 that is not the public Internet: "this network", private, carrier-grade NAT,
 * loopback, link-local (cloud metadata), IETF and documentation blocks, 6to4 relays,
 * benchmarking, multicast, reserved and broadcast.
 */
const FORBIDDEN_V4 = (
  '0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 ' +
  '192.0.0.0/24 192.0.2.0/24 192.88.99.0/24 192.168.0.0/16 198.18.0.0/15 ' +
  '198.51.100.0/24 203.0.113.0/24 224.0.0.0/4 240.0.0.0/4'
)
  .split(' ')
  .map((cidr): { size: number; block: number } => {
    const [base = '', bits = '32'] = cidr.split('/');
    const size = 2 ** (32 - Number(bits));
    return { size, block: Math.floor(ipv4Number(base) / size) };
  });

function forbiddenV4(address: string): boolean {
  const value = ipv4Number(address);
  return FORBIDDEN_V4.some(({ size, block }) => Math.floor(value / size) === block);
}

/** The eight 16-bit words of a valid IPv6 address (an embedded IPv4 tail included). */
function ipv6Words(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (tail !== undefined) {
    const value = ipv4Number(tail);
    text = `${text.slice(0, -tail.length)}${Math.floor(value / 65536).toString(16)}:${(value % 65536).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const words = (part: string) => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const left = words(head);
  const right = rest === undefined ? [] : words(rest);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function embeddedV4(high: number, low: number): string {
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/**
 * Whether an address is anything but a public unicast one. IPv6 forms that carry an IPv4
 * address (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`) are judged by that address; otherwise only global unicast (2000::/3)
 * outside documentation and Teredo passes.
 */
export function isForbiddenAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return forbiddenV4(address);
  if (family !== 6) return true;
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = ipv6Words(address);
  const zeroPrefix = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0;
  if (zeroPrefix && (w5 === 0xffff || w5 === 0)) return forbiddenV4(embeddedV4(w6, w7));
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0)
    return forbiddenV4(embeddedV4(w6, w7));
  if (w0 === 0x2002) return forbiddenV4(embeddedV4(w1, w2));
  if ((w0 & 0xe000) !== 0x2000) return true; // ULA, link-local, multicast, unassigned
  return w0 === 0x2001 && (w1 === 0x0db8 || w1 === 0); // documentation, Teredo
}
