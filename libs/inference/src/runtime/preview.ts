import { encodePng } from './png';

/**
 * Stable Diffusion 1.x/2.x latent channels → RGB, the linear estimate InvokeAI and ComfyUI use
 * for step previews (ComfyUI `latent_formats.SD15.latent_rgb_factors`): no VAE run, a few
 * microseconds a pixel. Rows are latent channels, columns R, G, B.
 */
const SD_LATENT_RGB: readonly (readonly [number, number, number])[] = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
];

/**
 * A small PNG of what the latents `[1, channels, height, width]` will decode to, at latent
 * resolution (one pixel per 8x8 of the image; 64x64 for 512x512, a few KB). Models with other
 * than four channels get a grey estimate from the channel mean.
 */
export function latentPreview(
  latents: Float32Array,
  channels: number,
  width: number,
  height: number,
): Buffer {
  const plane = width * height;
  if (latents.length !== channels * plane)
    throw new Error(`expected ${channels * plane} latent values, got ${latents.length}`);
  const rgb = new Uint8Array(plane * 3);
  const toByte = (v: number) => Math.round(Math.min(1, Math.max(0, (v + 1) / 2)) * 255);
  for (let i = 0; i < plane; i++) {
    if (channels === SD_LATENT_RGB.length) {
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let k = 0; k < channels; k++) v += latents[k * plane + i] * SD_LATENT_RGB[k][c];
        rgb[i * 3 + c] = toByte(v);
      }
    } else {
      let mean = 0;
      for (let k = 0; k < channels; k++) mean += latents[k * plane + i];
      rgb.fill(toByte(mean / channels), i * 3, i * 3 + 3);
    }
  }
  return encodePng(width, height, rgb);
}
