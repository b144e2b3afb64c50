import type { Dictionary } from '../dictionary';
import type * as ko from '../ko/queue';

export const queue: Dictionary<typeof ko.queue> = {
  title: 'My queue',
  summary: 'Queue status',
  yourTier: 'Your tier',
  inFlight: 'Jobs in flight',
  inFlightValue: '{{count}} of {{max}}',
  waitingInTier: "Jobs waiting in your tier's queue",
  estimatedWait: 'Estimated wait if you submit now',
  noEstimate: 'Not known yet',
  workers: 'Workers',
  jobs: 'Your jobs in flight',
  empty: 'Nothing in flight.',
  position: 'Queued · number {{position}} in line',
  positionUnknown: 'Queued',
  jobWait: 'About {{wait}} to wait',
};
