import { join } from 'node:path';
import { createRootLogger, loadBaseConfig, requestContext } from '@pingvas/common';
import { readText, readYaml } from './files';

const DIR = join('deploy', 'logging');

interface Section {
  name: string;
  props: Record<string, string>;
}

/** Fluent Bit's classic format: `[SECTION]` headers, then one `Key Value` a line. */
function sections(text: string): Section[] {
  const out: Section[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[([A-Z]+)\]$/.exec(line);
    if (header) out.push({ name: header[1], props: {} });
    else {
      const [, key, value] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
      if (!key || out.length === 0) throw new Error(`not a Fluent Bit line: ${line}`);
      out[out.length - 1].props[key.toLowerCase()] = value;
    }
  }
  return out;
}

const values = readYaml<{
  kind: string;
  tolerations: { key: string }[];
  config: { inputs: string; filters: string; outputs: string };
}>(join(DIR, 'values.yaml'));
const inputs = sections(values.config.inputs);
const filters = sections(values.config.filters);
const outputs = sections(values.config.outputs);
const tail = inputs.find((s) => s.props.name === 'tail')!;
const kubernetes = filters.find((s) => s.props.name === 'kubernetes')!;
const cloudwatch = outputs.find((s) => s.props.name === 'cloudwatch_logs')!;

/** A tail `Path` list as Fluent Bit globs it: `*` within one path segment. */
function tailed(file: string): boolean {
  return tail.props.path.split(',').some((glob) => {
    const re = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
    return new RegExp(`^${re}$`).test(file);
  });
}

/** One line as our services' root logger writes it to stdout, inside a request. */
function loggedLine(requestId: string): string {
  const lines: string[] = [];
  const logger = createRootLogger(
    loadBaseConfig('user-service', 8001, { APP_ENV: 'dev', LOG_LEVEL: 'info' }),
    { write: (line: string) => void lines.push(line) },
  );
  requestContext.run({ requestId }, () => logger.info({ userId: 'u1' }, 'signed in'));
  expect(lines).toHaveLength(1);
  return lines[0].trim();
}

/**
 * What the config does to one container line: containerd's CRI framing read by the cri
 * multiline parser into `log`, then the kubernetes filter's Merge_Log (fields at the top, or
 * under Merge_Log_Key) and Keep_Log.
 */
function shipped(criLine: string): Record<string, unknown> {
  const [, time, stream, , log] =
    /^(\S+) (stdout|stderr) (F|P) (.*)$/.exec(criLine) ?? ([] as string[]);
  const record: Record<string, unknown> = { time, stream, log };
  if (kubernetes.props.merge_log === 'On') {
    const parsed = JSON.parse(log) as Record<string, unknown>;
    const key = kubernetes.props.merge_log_key;
    if (key) record[key] = parsed;
    else Object.assign(record, parsed);
    if (kubernetes.props.keep_log === 'Off') delete record.log;
  }
  return record;
}

describe('Fluent Bit (deploy/logging)', () => {
  it('tails the containers of dev and prod, CRI lines, on every node', () => {
    expect(values.kind).toBe('DaemonSet');
    expect(tail.props['multiline.parser']).toMatch(/\bcri\b/);
    expect(tailed('/var/log/containers/user-service-7d9f_dev_user-service-0a1b.log')).toBe(true);
    expect(tailed('/var/log/containers/gpu-worker-5c2e_prod_gpu-worker-9f8e.log')).toBe(true);
    expect(tailed('/var/log/containers/coredns-1a2b_kube-system_coredns-3c4d.log')).toBe(false);
    expect(values.tolerations.map((t) => t.key)).toContain('nvidia.com/gpu');
  });

  it('merges the JSON lines through the kubernetes filter of the tail’s tag', () => {
    const prefix = tail.props.tag.replace(/\*$/, '');
    expect(kubernetes.props.match).toBe(tail.props.tag);
    expect(kubernetes.props.kube_tag_prefix).toBe(`${prefix}var.log.containers.`);
    expect([kubernetes.props.merge_log, kubernetes.props.keep_log]).toEqual(['On', 'Off']);
  });

  it('sends them to CloudWatch Logs, one group per namespace, kept 30 days (seed 002)', () => {
    expect(cloudwatch.props.match).toBe(tail.props.tag);
    expect(cloudwatch.props.region).toBe('us-east-1');
    expect(cloudwatch.props.log_group_template).toBe("/pingvas/$kubernetes['namespace_name']");
    expect(cloudwatch.props.auto_create_group).toBe('On');
    expect(cloudwatch.props.log_retention_days).toBe('30');
  });

  it('ships the request id our logger writes as the top-level field the README queries', () => {
    const requestId = '5b0c6a3e-2f4d-4a7b-9c1e-8d2f0a6b4c31';
    const line = loggedLine(requestId);
    expect(line.split('\n')).toHaveLength(1);
    const record = shipped(`2026-12-03T14:59:58.123456789Z stdout F ${line}`);
    const query = /filter (\w+) = "/.exec(readText(join(DIR, 'README.md')));
    expect(query).not.toBeNull();
    expect(record[query![1]]).toBe(requestId);
    expect(record).toMatchObject({ msg: 'signed in', service: 'user-service', env: 'dev' });
    expect(record).not.toHaveProperty('log');
  });
});
