/**
 * Seeded N(0, 1) noise that is identical on every machine, so a stored (prompt, seed) reproduces
 * the same image.
 *
 * Generator: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11;
 * the Random123 reference, checked against its known-answer vectors in the spec). It is counter
 * based: block i is philox(counter = [i mod 2^32, floor(i / 2^32), 0, 0], key = [seed, 0]) and
 * gives four uint32 words w0..w3, all integer arithmetic, hence bit-exact everywhere.
 *
 * Normals: each word becomes a uniform u = (w + 0.5) / 2^32 in (0, 1) (never 0, so log is finite),
 * and each pair (w0, w1), then (w2, w3), gives two normals by Box–Muller:
 *   r = sqrt(-2 ln u1), z1 = r cos(2π u2), z2 = r sin(2π u2)   — emitted in that order.
 * The stream is z1, z2 of block 0's first pair, then its second pair, then block 1, and so on;
 * gaussianNoise(seed, n) is the first n values of seededNormals(seed) rounded to float32.
 * (Math.log/cos/sin are V8's fdlibm ports, not the platform libm, so they do not vary by machine.)
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9; // golden ratio
const W1 = 0xbb67ae85; // sqrt(3) - 1
const TWO_POW_32 = 0x1_0000_0000;

/** The high 32 bits of the 64-bit product a*b (uint32 operands), without BigInt. */
function mulhi(a: number, b: number): number {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const bHi = b >>> 16;
  const bLo = b & 0xffff;
  const cross1 = aHi * bLo;
  const cross2 = aLo * bHi;
  const carry = (((aLo * bLo) >>> 16) + (cross1 & 0xffff) + (cross2 & 0xffff)) >>> 16;
  return (aHi * bHi + (cross1 >>> 16) + (cross2 >>> 16) + carry) >>> 0;
}

/** Philox4x32-10 into `out` (four words), without allocating: the noise loop calls it per block. */
function philoxInto(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** Philox4x32 with 10 rounds: four uint32 counter words and two key words → four output words. */
export function philox4x32x10(counter: readonly number[], key: readonly number[]): Uint32Array {
  const [c0, c1, c2, c3] = counter.map((x) => x >>> 0);
  const [k0, k1] = key.map((x) => x >>> 0);
  const out = new Uint32Array(4);
  philoxInto(c0, c1, c2, c3, k0, k1, out);
  return out;
}

function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in 0..2^32-1, got ${seed}`);
  }
  return seed;
}

/** An endless N(0, 1) stream for `seed` (uint32), in the order documented above. */
export function seededNormals(seed: number): () => number {
  const key = checkSeed(seed);
  const buffer = new Float64Array(4);
  const words = new Uint32Array(4);
  let block = 0;
  let next = 4;
  return () => {
    if (next === 4) {
      philoxInto(block % TWO_POW_32, Math.floor(block / TWO_POW_32), 0, 0, key, 0, words);
      block++;
      for (let pair = 0; pair < 4; pair += 2) {
        const u1 = (words[pair] + 0.5) / TWO_POW_32;
        const u2 = (words[pair + 1] + 0.5) / TWO_POW_32;
        const r = Math.sqrt(-2 * Math.log(u1));
        buffer[pair] = r * Math.cos(2 * Math.PI * u2);
        buffer[pair + 1] = r * Math.sin(2 * Math.PI * u2);
      }
      next = 0;
    }
    return buffer[next++];
  };
}

/** `length` N(0, 1) values for `seed`: the start of seededNormals(seed), as float32. */
export function gaussianNoise(seed: number, length: number): Float32Array<ArrayBuffer> {
  if (!Number.isInteger(length) || length < 0)
    throw new RangeError(`length must be a non-negative integer, got ${length}`);
  const normal = seededNormals(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = normal();
  return out;
}
