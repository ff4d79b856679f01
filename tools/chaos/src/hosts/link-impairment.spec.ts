import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { duplicateIngress, duplicatedCount, egressCounts, impairEgress, macOf, makeVethPair, probeTier, segmentEachPacket, type Dev } from './link-impairment.js';

// The nemesis' packet-level faults on a real link between two namespaces this test creates (and
// removes): a TCP stream through them arrives intact while the kernel's own counters show that
// packets were held back, dropped and delivered twice. Needs root (CI runs as root).
jest.setTimeout(120_000);

const root = process.getuid?.() === 0 && spawnSync('ip', ['-V']).status === 0;
const tag = `li${process.pid.toString(16).slice(-4)}`;
const nsA = `${tag}-a`;
const nsB = `${tag}-b`;
const inNs = (ns: string) => ['ip', 'netns', 'exec', ns];
const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });
/** One TcpExt/Tcp counter of a namespace's /proc/net/netstat or /proc/net/snmp. */
function tcpCounter(ns: string, file: 'netstat' | 'snmp', group: string, name: string): number {
  const lines = spawnSync('ip', ['netns', 'exec', ns, 'cat', `/proc/net/${file}`], { encoding: 'utf8' }).stdout.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i].startsWith(`${group}:`)) continue;
    const names = lines[i].split(/\s+/);
    const values = lines[i + 1].split(/\s+/);
    const at = names.indexOf(name);
    if (at > 0) return Number(values[at]);
  }
  return NaN;
}

const SERVER = `const net=require('net');const h=require('crypto').createHash('sha256');let n=0;
net.createServer(s=>{s.on('data',d=>{n+=d.length;h.update(d)});s.on('end',()=>{console.log(n+' '+h.digest('hex'));process.exit(0)})}).listen(7001,'10.99.0.2',()=>console.log('listening'));`;
const CLIENT = `const net=require('net');const parts=[];process.stdin.on('data',d=>parts.push(d));process.stdin.on('end',()=>{const data=Buffer.concat(parts);
const s=net.connect(7001,'10.99.0.2',()=>{let at=0;const t=setInterval(()=>{s.write(data.subarray(at,at+=1400));if(at>=data.length){clearInterval(t);s.end()}},1)})});`;

const describeRoot = root ? describe : describe.skip;
if (!root) console.warn('link-impairment.spec: skipped (needs root and iproute2 for network namespaces)');

describeRoot('link impairment on a real veth between two namespaces', () => {
  beforeAll(() => {
    ip('netns', 'add', nsA);
    ip('netns', 'add', nsB);
    ip('link', 'add', `${tag}a`, 'netns', nsA, 'type', 'veth', 'peer', 'name', `${tag}b`, 'netns', nsB);
    ip('-n', nsA, 'addr', 'add', '10.99.0.1/24', 'dev', `${tag}a`);
    ip('-n', nsB, 'addr', 'add', '10.99.0.2/24', 'dev', `${tag}b`);
    for (const [ns, dev] of [[nsA, `${tag}a`], [nsB, `${tag}b`]]) {
      ip('-n', ns, 'link', 'set', dev, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
  });
  afterAll(() => {
    ip('netns', 'del', nsA);
    ip('netns', 'del', nsB);
    expect(ip('netns', 'list').stdout).not.toContain(tag);
  });

  it('delivers a stream intact through held-back, dropped and duplicated packets, each visible in the kernel counters', async () => {
    const tier = probeTier(inNs(nsA), 'probe0');
    if (tier !== 'emulated') {
      // A kernel with sch_netem takes the netem tier (tested by the chaos run); one with neither has only tbf.
      console.warn(`link-impairment.spec: this kernel's tier is ${tier}, not the emulated one; nothing to test here`);
      return;
    }
    const sender: Dev = { name: `${tag}a`, exec: inNs(nsA) };
    const receiver: Dev = { name: `${tag}b`, exec: inNs(nsB) };
    expect(segmentEachPacket(sender)).toBe(true);
    expect(makeVethPair(sender.exec, 'sink0', 'sink1')).toBe(true);
    expect(impairEgress('emulated', sender, { name: 'sink0', exec: sender.exec })).toBe(true);
    expect(makeVethPair(receiver.exec, 'twin0', 'twin1', macOf(receiver))).toBe(true);
    expect(duplicateIngress(receiver, 'twin0', 100)).toBe(true);

    const server = spawn('ip', [...inNs(nsB).slice(1), 'node', '-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    server.stdout.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 100 && !out.includes('listening'); i++) await new Promise((r) => setTimeout(r, 100));
    // About 600 packets at the harness' 512 kbit/s (13 s): the rarest rule (1 in 64) then matches ~9, none with p ≈ 1e-4.
    const data = randomBytes(840_000);
    const client = spawn('ip', [...inNs(nsA).slice(1), 'node', '-e', CLIENT], { stdio: ['pipe', 'inherit', 'inherit'] });
    client.stdin.end(data);
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      new Promise<boolean>((r) => server.once('exit', () => r(true))),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 90_000))),
    ]);
    clearTimeout(timer);
    client.kill();
    server.kill();

    expect(done).toBe(true);
    expect(out.trim().split('\n').pop()).toBe(`${data.length} ${createHash('sha256').update(data).digest('hex')}`);
    // Held back: packets went through the slow queue, and the receiver queued segments that arrived after a gap.
    expect(egressCounts(sender).heldBack).toBeGreaterThan(0);
    expect(tcpCounter(nsB, 'netstat', 'TcpExt', 'TCPOFOQueue')).toBeGreaterThan(0);
    // Dropped: the loss rule redirected packets into the sink, and the sender had to send segments again.
    expect(egressCounts(sender).dropped).toBeGreaterThan(0);
    expect(tcpCounter(nsA, 'snmp', 'Tcp', 'RetransSegs')).toBeGreaterThan(0);
    // Twice: the duplication rule mirrored packets, and the receiver told the sender it got data twice (D-SACK).
    expect(duplicatedCount(receiver, 100)).toBeGreaterThan(0);
    expect(tcpCounter(nsB, 'netstat', 'TcpExt', 'TCPDSACKOldSent') + tcpCounter(nsB, 'netstat', 'TcpExt', 'TCPDSACKOfoSent')).toBeGreaterThan(0);
  });
});
