import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTinyModel } from '../tiny-model/make-tiny-model';
import { ClipTokenizer } from './clip-tokenizer';

/**
 * The tokenizer on the bundled tiny model's own vocab: ids worked out by hand from its merges
 * (bos 555, eos 556 = pad; 고양이 549, 창가 554, cat 520, dog 522; a</w> 320 as in real CLIP).
 */
describe('ClipTokenizer on the tiny model package', () => {
  let dir: string;
  let tokenizer: ClipTokenizer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pingvas-tiny-tok-'));
    await makeTinyModel(dir);
    tokenizer = await ClipTokenizer.fromDirectory(join(dir, 'tokenizer'));
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  const head = (text: string, n: number) => [...tokenizer.encode(text).slice(0, n)];

  it.each([
    ['고양이', [555, 549, 556]],
    ['창가', [555, 554, 556]],
    ['cat', [555, 520, 556]],
    ['Dog', [555, 522, 556]],
    ['a cat sits on the window', [555, 320, 520, 525, 526, 518, 516, 556]],
  ])('encodes %p', (text, ids) => {
    expect(head(text, ids.length)).toEqual(ids);
  });

  it('pads to 77 with the pad token (<|endoftext|> here)', () => {
    const ids = tokenizer.encode('cat');
    expect(ids).toHaveLength(77);
    expect([...ids.slice(3)].every((id) => id === 556)).toBe(true);
  });
});
