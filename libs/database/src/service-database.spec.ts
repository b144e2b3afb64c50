import { assertSchemaName, dataSourceOptions } from './service-database';

describe('dataSourceOptions', () => {
  const options = dataSourceOptions(
    { url: 'postgres://db/pingvas', schema: 'prod_pingvas' },
    { service: 'payment', migrations: [] },
  );

  it('never synchronizes and never migrates on boot', () => {
    expect(options).toMatchObject({ synchronize: false, migrationsRun: false });
  });

  it("keeps the service's migrations in its own table inside the environment's schema", () => {
    expect(options).toMatchObject({
      schema: 'prod_pingvas',
      migrationsTableName: 'migrations_payment',
    });
  });

  it("sets every connection's search_path to the schema", () => {
    expect((options as { extra: { options: string } }).extra.options).toBe(
      '-c search_path=prod_pingvas',
    );
  });
});

describe('assertSchemaName', () => {
  it.each(['dev_pingvas', 't_user_0a1b'])('accepts %s', (name) =>
    expect(assertSchemaName(name)).toBe(name),
  );
  it.each(['Dev', 'a;drop', 'x y', '1abc', ''])('refuses %p', (name) =>
    expect(() => assertSchemaName(name)).toThrow(),
  );
});
