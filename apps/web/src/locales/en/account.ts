import type { Dictionary } from '../dictionary';
import type * as ko from '../ko/account';

export const apiKeys: Dictionary<typeof ko.apiKeys> = {
  title: 'API keys',
  intro:
    'Scripts and other services call the Pingvas API with an API key in the Authorization: Bearer header.',
  name: 'Key name',
  nameHint: 'Name it after what uses it.',
  nameRequired: 'Enter a key name.',
  nameTooLong: 'A key name has up to {{max}} characters.',
  create: 'Create API key',
  createdTitle: 'Created the key {{name}}',
  shownOnce: 'This secret is shown only now. Copy it somewhere safe.',
  list: 'Active keys',
  empty: 'No API keys yet.',
  prefix: 'Starts with',
  created: 'Created',
  lastUsed: 'Last used',
  never: 'Never',
  actions: 'Actions',
  revoke: 'Revoke',
  revokeNamed: 'Revoke {{name}}',
  revokeTitle: 'Revoke API key',
  revokeBody: 'Once {{name}} is revoked, every request with it is refused within a minute.',
};
