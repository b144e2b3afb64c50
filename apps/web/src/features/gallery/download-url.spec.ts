import { downloadUrl } from './download-url';

describe('downloadUrl', () => {
  it('adds download=1 to a signed file URL, keeping its signature as it is', () => {
    expect(downloadUrl('/api/v1/images/abc/file?exp=1700000000&sig=a-b_c')).toBe(
      '/api/v1/images/abc/file?exp=1700000000&sig=a-b_c&download=1',
    );
  });

  it('starts the query where the URL has none, and keeps a fragment last', () => {
    expect(downloadUrl('/api/v1/images/abc/file')).toBe('/api/v1/images/abc/file?download=1');
    expect(downloadUrl('https://cdn.example/f?x=1#top')).toBe(
      'https://cdn.example/f?x=1&download=1#top',
    );
  });
});
