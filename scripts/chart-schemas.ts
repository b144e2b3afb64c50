/**
 * Writes every chart's deploy/helm/<chart>/values.schema.json from one definition
 * (scripts/chart-schemas/). `npm run charts:schemas` runs it, then prettier over the files;
 * test/deploy/chart-schemas.spec.ts fails while a committed schema differs from it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartValuesSchema, SCHEMA_CHARTS } from './chart-schemas/charts';

const HELM = join(__dirname, '..', '..', 'deploy', 'helm');

for (const chart of SCHEMA_CHARTS) {
  const file = join(HELM, chart, 'values.schema.json');
  writeFileSync(file, `${JSON.stringify(chartValuesSchema(chart), null, 2)}\n`);
  console.log(`wrote ${file}`);
}
