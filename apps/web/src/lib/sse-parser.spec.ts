import { createSseParser, type SseMessage } from './sse-parser';

function parse(chunks: string[]): SseMessage[] {
  const out: SseMessage[] = [];
  const parser = createSseParser((m) => out.push(m));
  chunks.forEach((c) => parser.push(c));
  return out;
}

describe('the SSE parser the Generate screen reads progress with', () => {
  const stream =
    'id: 1\nevent: queued\ndata: {"id":"g"}\n\n: keep-alive\n\nid: 2\nevent: progress\ndata: {"step":1}\n\n';

  it('gives each event its name, data and id', () => {
    expect(parse([stream])).toEqual([
      { event: 'queued', data: '{"id":"g"}', id: '1' },
      { event: 'progress', data: '{"step":1}', id: '2' },
    ]);
  });

  it('gives the same events however the bytes are split, one character at a time too', () => {
    expect(parse(stream.split(''))).toEqual(parse([stream]));
  });

  it('reads CRLF line ends split between chunks, and joins multi-line data', () => {
    expect(parse(['event: a\r', '\ndata: x\r\ndata: y\r\n\r\n'])).toEqual([
      { event: 'a', data: 'x\ny' },
    ]);
  });

  it('holds back an event until its blank line arrives', () => {
    expect(parse(['event: succeeded\ndata: {}\n'])).toEqual([]);
  });
});
