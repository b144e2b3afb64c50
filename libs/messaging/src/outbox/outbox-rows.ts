/**
 * Which outbox rows name a person, for an account's erasure (DESIGN §16): a row matches when
 * it is of `queue` (if given), relayed (if `relayedOnly`), and any one of the rest holds.
 */
export interface OutboxRowsAbout {
  queue?: string;
  relayedOnly?: boolean;
  /** Rows with one of these BullMQ job ids. */
  jobIds?: readonly string[];
  /** Payload fields, by their path (`to`, `data.newEmail`), equal to one of the values. */
  fields?: Readonly<Record<string, readonly string[]>>;
  /** Rows whose payload's JSON text holds this anywhere (an id, in whatever field). */
  mentioning?: string;
}

/** The WHERE clause and its parameters (paths too are parameters: nothing is spliced in). */
export function whereAbout(about: OutboxRowsAbout): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const any: string[] = [];
  if (about.jobIds) any.push(`"job_id" = ANY(${param(about.jobIds)}::text[])`);
  for (const [path, values] of Object.entries(about.fields ?? {}))
    any.push(`"payload" #>> ${param(path.split('.'))}::text[] = ANY(${param(values)}::text[])`);
  if (about.mentioning !== undefined)
    any.push(`strpos("payload"::text, ${param(about.mentioning)}) > 0`);
  // Without a condition on the person it would be every row of the table.
  if (any.length === 0) throw new Error('outbox rows about nobody: name a job id, field or text');
  const all = [`(${any.join(' OR ')})`];
  if (about.queue !== undefined) all.push(`"queue" = ${param(about.queue)}`);
  if (about.relayedOnly) all.push(`"published_at" IS NOT NULL`);
  return { where: all.join(' AND '), params };
}
