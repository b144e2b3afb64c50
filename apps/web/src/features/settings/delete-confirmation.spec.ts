import { confirmsDeletion } from './delete-confirmation';

describe('confirmsDeletion', () => {
  const email = 'Min-ji.Kim@Example.com';

  it('accepts the address as typed, whatever its case and surrounding spaces', () => {
    expect(confirmsDeletion('min-ji.kim@example.com', email)).toBe(true);
    expect(confirmsDeletion('  Min-ji.Kim@Example.com ', email)).toBe(true);
  });

  it('refuses anything else: nothing, a part of it, another word', () => {
    expect(confirmsDeletion('', email)).toBe(false);
    expect(confirmsDeletion('min-ji.kim@example', email)).toBe(false);
    expect(confirmsDeletion('삭제', email)).toBe(false);
    expect(confirmsDeletion('min-ji.kim@example.com.', email)).toBe(false);
  });
});
