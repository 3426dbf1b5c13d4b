// Lets an in-process gateway reach a fixture upstream under a vendor's real host name: `dns.lookup`
// (what node:http's agents resolve with) answers 127.0.0.1 for the given names and resolves every other
// name as before. For behaviour the gateway keys on a provider's host (DeepSeek's api.deepseek.com);
// nothing leaves the machine. Returns the function that puts the real lookup back.
import dns from 'node:dns';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

export function resolveToLoopback(hostnames: string[]): () => void {
  const names = new Set(hostnames.map((name) => name.toLowerCase()));
  const real = dns.lookup;
  const lookup = (hostname: string, options: unknown, callback?: LookupCallback): void => {
    const done = (typeof options === 'function' ? options : callback) as LookupCallback;
    const settings = (typeof options === 'object' && options !== null ? options : {}) as dns.LookupOptions;
    if (!names.has(hostname.toLowerCase())) return void (real as (...args: unknown[]) => void)(hostname, options, callback);
    process.nextTick(() => (settings.all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4)));
  };
  (dns as { lookup: unknown }).lookup = lookup;
  return () => {
    (dns as { lookup: unknown }).lookup = real;
  };
}
