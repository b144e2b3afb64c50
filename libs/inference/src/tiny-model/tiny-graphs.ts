import { GraphBuilder, mulberry32, randomWeights, valueInfo } from './onnx-graph';

/**
 * The three graphs of the tiny model, with the input/output names, element types and ranks of
 * an `optimum-cli export onnx` Stable Diffusion export, and a few kB of random weights each.
 */

export const HIDDEN = 32;
export const MAX_POSITIONS = 77;
export const LATENT_CHANNELS = 4;
const UNET_CHANNELS = 8;
const VAE_CHANNELS = 8;
const VAE_SCALE = 8;

/** Each graph draws from its own stream so changing one graph leaves the others' bytes alone. */
const SEEDS = { textEncoder: 42, unet: 43, vaeDecoder: 44 } as const;

/** A 3x3, pad 1 convolution with its weight and bias drawn from `rand`. */
function conv3x3(
  g: GraphBuilder,
  rand: () => number,
  name: string,
  input: string,
  cin: number,
  cout: number,
  scale: number,
): string {
  const fanIn = cin * 9;
  const w = g.weight(
    `${name}.weight`,
    [cout, cin, 3, 3],
    randomWeights(rand, cout * fanIn, fanIn, scale),
  );
  const b = g.weight(`${name}.bias`, [cout], randomWeights(rand, cout, fanIn, scale));
  return g.node('Conv', [input, w, b], name, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
}

/**
 * input_ids int32 [batch, seq] → token + position embeddings → Linear 32x32 → Tanh =
 * last_hidden_state [batch, seq, 32]; pooler_output = mean over the sequence [batch, 32].
 */
export function textEncoderGraph(vocabSize: number): Uint8Array {
  const rand = mulberry32(SEEDS.textEncoder);
  const g = new GraphBuilder();
  const tokEmb = g.weight(
    'token_embedding',
    [vocabSize, HIDDEN],
    randomWeights(rand, vocabSize * HIDDEN, 1, 2),
  );
  const posEmb = g.weight(
    'position_embedding',
    [MAX_POSITIONS, HIDDEN],
    randomWeights(rand, MAX_POSITIONS * HIDDEN, 1),
  );
  const w = g.weight(
    'proj.weight',
    [HIDDEN, HIDDEN],
    randomWeights(rand, HIDDEN * HIDDEN, HIDDEN, 3),
  );
  const b = g.weight('proj.bias', [HIDDEN], randomWeights(rand, HIDDEN, HIDDEN));
  const tokens = g.node('Gather', [tokEmb, 'input_ids'], 'tokens', { axis: 0 });
  // Positions 0..seq-1 from the runtime shape, so any prompt length up to 77 works.
  const shape = g.node('Shape', ['input_ids'], 'ids_shape');
  const seqLen = g.node('Gather', [shape, g.ints('one', [1], [])], 'seq_len', { axis: 0 });
  const positions = g.node('Range', [g.ints('zero', [0], []), seqLen, 'one'], 'positions');
  const pos = g.node('Gather', [posEmb, positions], 'pos', { axis: 0 });
  const x = g.node('Add', [tokens, pos], 'embedded');
  const proj = g.node('Add', [g.node('MatMul', [x, w], 'proj_mm'), b], 'proj');
  g.node('Tanh', [proj], 'last_hidden_state');
  g.node('ReduceMean', ['last_hidden_state'], 'pooler_output', { axes: [1], keepdims: 0 });
  return g.encode(
    'tiny_text_encoder',
    [valueInfo('input_ids', 'int32', ['batch_size', 'sequence_length'])],
    [
      valueInfo('last_hidden_state', 'float32', ['batch_size', 'sequence_length', HIDDEN]),
      valueInfo('pooler_output', 'float32', ['batch_size', HIDDEN]),
    ],
  );
}

/**
 * `channels` and `hiddenLayers` (3x3 convolutions at that width) set the cost of a step: the
 * defaults keep the model tiny; wider and deeper ones make every step take real compute (a
 * slow model for tests of progress and cancellation).
 *
 * Conv(sample) + time embedding + text embedding → Tanh → Conv = out_sample. Smooth in all
 * three inputs, so a scheduler loop over it behaves like one over a real UNet.
 */
export function unetGraph(channels = UNET_CHANNELS, hiddenLayers = 0): Uint8Array {
  const rand = mulberry32(SEEDS.unet);
  const g = new GraphBuilder();
  const h = conv3x3(g, rand, 'conv_in', 'sample', LATENT_CHANNELS, channels, 1);
  const channelShape = g.ints('channel_shape', [-1, channels, 1, 1]);
  // timestep is rank 1 ([1] from the pipeline, or [batch]); [S,1] * [8] → [S,8,1,1] broadcasts.
  const tFloat = g.node('Cast', ['timestep'], 'timestep_float', { to: 1 });
  const tScaled = g.node(
    'Mul',
    [tFloat, g.weight('timestep_scale', [], Float32Array.of(0.001))],
    't_scaled',
  );
  const tCol = g.node('Unsqueeze', [tScaled, g.ints('axis_1', [1])], 't_col');
  const timeVec = g.weight('time_embedding', [channels], randomWeights(rand, channels, 1, 2));
  const temb = g.node(
    'Reshape',
    [g.node('Mul', [tCol, timeVec], 'temb_flat'), channelShape],
    'temb',
  );
  const ctxMean = g.node('ReduceMean', ['encoder_hidden_states'], 'ctx_mean', {
    axes: [1],
    keepdims: 0,
  });
  const ctxW = g.weight(
    'ctx_proj',
    [HIDDEN, channels],
    randomWeights(rand, HIDDEN * channels, HIDDEN, 4),
  );
  const cemb = g.node(
    'Reshape',
    [g.node('MatMul', [ctxMean, ctxW], 'cemb_flat'), channelShape],
    'cemb',
  );
  const mixed = g.node('Add', [g.node('Add', [h, temb], 'h_t'), cemb], 'h_tc');
  let act = g.node('Tanh', [mixed], 'h_act');
  if (hiddenLayers > 0) {
    // One convolution's weights applied again and again: compute grows, the file does not.
    const hidden = conv3x3(g, rand, 'hidden', act, channels, channels, 1);
    act = g.node('Tanh', [hidden], 'hidden_0_act');
    for (let layer = 1; layer < hiddenLayers; layer++) {
      const conv = g.node('Conv', [act, 'hidden.weight', 'hidden.bias'], `hidden_${layer}`, {
        kernel_shape: [3, 3],
        pads: [1, 1, 1, 1],
      });
      act = g.node('Tanh', [conv], `hidden_${layer}_act`);
    }
  }
  const out = conv3x3(g, rand, 'conv_out', act, channels, LATENT_CHANNELS, 3);
  g.node('Identity', [out], 'out_sample');
  return g.encode(
    'tiny_unet',
    [
      valueInfo('sample', 'float32', ['batch_size', LATENT_CHANNELS, 'height', 'width']),
      valueInfo('timestep', 'int64', ['steps']),
      valueInfo('encoder_hidden_states', 'float32', ['batch_size', 'sequence_length', HIDDEN]),
    ],
    [valueInfo('out_sample', 'float32', ['batch_size', LATENT_CHANNELS, 'height', 'width'])],
  );
}

/** Conv 4→8 → nearest Resize x8 → Conv 8→3 → Tanh = sample in [-1, 1], 8x the latent size. */
export function vaeDecoderGraph(): Uint8Array {
  const rand = mulberry32(SEEDS.vaeDecoder);
  const g = new GraphBuilder();
  const h = conv3x3(g, rand, 'conv_in', 'latent_sample', LATENT_CHANNELS, VAE_CHANNELS, 1);
  const scales = g.weight('resize_scales', [4], Float32Array.of(1, 1, VAE_SCALE, VAE_SCALE));
  // Empty roi name: the optional input is absent, as the Resize spec allows.
  const up = g.node('Resize', [h, '', scales], 'upsampled', {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
  const rgb = conv3x3(g, rand, 'conv_out', up, VAE_CHANNELS, 3, 2);
  g.node('Tanh', [rgb], 'sample');
  return g.encode(
    'tiny_vae_decoder',
    [
      valueInfo('latent_sample', 'float32', [
        'batch_size',
        LATENT_CHANNELS,
        'latent_height',
        'latent_width',
      ]),
    ],
    [valueInfo('sample', 'float32', ['batch_size', 3, 'height', 'width'])],
  );
}
