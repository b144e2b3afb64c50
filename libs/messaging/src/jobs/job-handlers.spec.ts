import 'reflect-metadata';
import type { Job } from 'bullmq';
import type { SearchIndexJob } from '@pingvas/contracts';
import { checkJobHandlers } from './job-handlers';
import { JobConsumer, OnJob, QueueConsumer } from './on-job';

@JobConsumer('generation-results')
class Results extends QueueConsumer {
  readonly seen: string[] = [];

  @OnJob('generation-results', 'generation.started', { waitForDatabase: false })
  async started(data: { generationId: string }): Promise<string> {
    this.seen.push(`started ${data.generationId}`);
    return 'started';
  }

  @OnJob('generation-results', 'generation.finished')
  async finished(): Promise<void> {}
}

@JobConsumer('generation-results')
class HalfResults extends QueueConsumer {
  @OnJob('generation-results', 'generation.started')
  async started(): Promise<void> {}
}

@JobConsumer('search-index')
class Indexer extends QueueConsumer {
  @OnJob('search-index', 'images.changed')
  async changed(data: SearchIndexJob): Promise<number> {
    return data.imageIds.length;
  }
}

class NotAConsumer {
  @OnJob('search-index', 'images.changed')
  async changed(): Promise<void> {}
}

const job = (name: string, data: unknown) => ({ name, data }) as Job;

describe('job handlers', () => {
  it('accept one handler for every job name of each consumed queue', () => {
    expect(checkJobHandlers([new Results(), new Indexer()])).toEqual([]);
  });

  it('name a job of a consumed queue that has no handler', () => {
    expect(checkJobHandlers([new HalfResults()])).toEqual([
      'generation-results/generation.finished has no handler',
    ]);
  });

  it('refuse a job name handled twice', () => {
    expect(checkJobHandlers([new Results(), new HalfResults()])).toEqual([
      'generation-results/generation.started has two handlers: Results.started and HalfResults.started',
    ]);
  });

  it('refuse a handler outside a consumer of its queue', () => {
    expect(checkJobHandlers([new Indexer(), new NotAConsumer()])).toEqual([
      'NotAConsumer.changed handles search-index/images.changed but is not a @JobConsumer of search-index',
    ]);
  });

  it('run a job through the handler of its name with its payload', async () => {
    const results = new Results();
    await expect(results.process(job('generation.started', { generationId: 'g1' }))).resolves.toBe(
      'started',
    );
    expect(results.seen).toEqual(['started g1']);
    await expect(
      new Indexer().process(job('images.changed', { imageIds: ['a', 'b'] })),
    ).resolves.toBe(2);
  });

  it('fail a job of an unknown name without retries', async () => {
    await expect(new Indexer().process(job('images.renamed', {}))).rejects.toMatchObject({
      name: 'UnrecoverableError',
    });
  });
});
