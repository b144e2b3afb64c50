import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chartValuesSchema, SCHEMA_CHARTS } from '../../scripts/chart-schemas/charts';
import { HELM, readText } from './files';

describe('chart values schemas (made by npm run charts:schemas)', () => {
  it('makes a schema for every chart that has one', () => {
    const withSchema = readdirSync(HELM).filter((d) =>
      existsSync(join(HELM, d, 'values.schema.json')),
    );
    expect([...SCHEMA_CHARTS].sort()).toEqual(withSchema.sort());
  });

  it.each(SCHEMA_CHARTS)(
    '%s: the committed values.schema.json is the one scripts/chart-schemas makes (run npm run charts:schemas)',
    (chart) => {
      const committed: unknown = JSON.parse(
        readText(join('deploy', 'helm', chart, 'values.schema.json')),
      );
      expect(committed).toStrictEqual(chartValuesSchema(chart));
    },
  );
});
