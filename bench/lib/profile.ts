// Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with
// the most self time, and time per area (a package under node_modules, a
// part of Node's core, the gateway's own src/ folders), both as self time and
// as inclusive time (a sample counts for every area on its stack once).
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Non-idle time. */
  busyMs: number;
  topSelf: ProfileEntry[];
  selfByArea: ProfileEntry[];
  inclusiveByArea: ProfileEntry[];
}

export function areaOf(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first = '', second = ''] = url.slice(modules + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (url.startsWith('node:internal/deps/undici')) return 'node: undici (fetch)';
  if (url.startsWith('node:')) {
    const rest = url.slice('node:'.length).replace(/^internal\//, '');
    const [segment = rest] = rest.split('/');
    return `node: ${segment.replace(/\.js$/, '')}`;
  }
  const source = /\/dist\/(src|gen|bench)\/([^/]+)/.exec(url);
  if (source) return source[1] === 'src' ? `gateway: src/${source[2]!.replace(/\.js$/, '')}` : `gateway: ${source[1]}/`;
  return url.split('/').pop() ?? url;
}

function describe(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') return name;
  const modules = frame.url.lastIndexOf('/node_modules/');
  const short = modules >= 0 ? frame.url.slice(modules + '/node_modules/'.length) : frame.url.replace(/^.*\/dist\//, 'dist/').replace(/^file:\/\//, '');
  return `${name} ${short}:${frame.lineNumber + 1}`;
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const selfArea = new Map<string, number>();
  const inclusiveArea = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  // timeDeltas[i + 1] is the time from sample i to the next one: the time sample i stands for.
  for (let index = 0; index < profile.samples.length; index += 1) {
    const delta = profile.timeDeltas[index + 1] ?? 0;
    const node = byId.get(profile.samples[index]!);
    if (!node || delta <= 0) continue;
    totalUs += delta;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += delta;
      continue;
    }
    const key = describe(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + delta);
    const area = areaOf(node.callFrame);
    selfArea.set(area, (selfArea.get(area) ?? 0) + delta);
    const seen = new Set<string>();
    for (let current: number | undefined = node.id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      seen.add(areaOf(frame));
    }
    for (const name of seen) inclusiveArea.set(name, (inclusiveArea.get(name) ?? 0) + delta);
  }
  const busyUs = totalUs - idleUs;
  const entries = (map: Map<string, number>, limit: number): ProfileEntry[] =>
    [...map.entries()]
      .sort((left, right) => right[1] - left[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, ms: us / 1000, percent: busyUs > 0 ? (100 * us) / busyUs : 0 }));
  return {
    file,
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    topSelf: entries(self, top),
    selfByArea: entries(selfArea, 20),
    inclusiveByArea: entries(inclusiveArea, 20),
  };
}

export function renderProfile(summary: ProfileSummary): string {
  const lines = [
    `CPU profile ${summary.file}`,
    `sampled ${(summary.totalMs / 1000).toFixed(1)} s, busy (not idle) ${(summary.busyMs / 1000).toFixed(1)} s; percentages are of busy time`,
    '',
    'Top functions by self time:',
    ...summary.topSelf.map((entry, index) => `${String(index + 1).padStart(3)}. ${entry.percent.toFixed(1).padStart(5)} %  ${entry.name}`),
    '',
    'Self time by area:',
    ...summary.selfByArea.map((entry) => `  ${entry.percent.toFixed(1).padStart(5)} %  ${entry.name}`),
    '',
    'Inclusive time by area (a sample counts once for each area on its stack):',
    ...summary.inclusiveByArea.map((entry) => `  ${entry.percent.toFixed(1).padStart(5)} %  ${entry.name}`),
  ];
  return lines.join('\n');
}
