/**
 * The graphs a model package must hold, and the inputs and outputs the pipeline uses, as an
 * `optimum-cli export onnx` of a Stable Diffusion model has them (SD-Turbo included). Sizes
 * are free (a real export has 1024-wide text states; the tiny model 32); names, element types
 * and ranks are the contract.
 */
export type ElementType = 'float32' | 'float16' | 'int32' | 'int64';

export interface ValueContract {
  name: string;
  /** Accepted element types; the pipeline adapts to the one the graph declares. */
  types: readonly ElementType[];
  rank: number;
}

export interface GraphContract {
  /** Path inside the package. */
  file: string;
  inputs: readonly ValueContract[];
  outputs: readonly ValueContract[];
}

export const PIPELINE_CONTRACT = {
  textEncoder: {
    file: 'text_encoder/model.onnx',
    inputs: [{ name: 'input_ids', types: ['int32', 'int64'], rank: 2 }],
    outputs: [{ name: 'last_hidden_state', types: ['float32', 'float16'], rank: 3 }],
  },
  unet: {
    file: 'unet/model.onnx',
    inputs: [
      { name: 'sample', types: ['float32', 'float16'], rank: 4 },
      { name: 'timestep', types: ['int64', 'float32', 'float16'], rank: 1 },
      { name: 'encoder_hidden_states', types: ['float32', 'float16'], rank: 3 },
    ],
    outputs: [{ name: 'out_sample', types: ['float32', 'float16'], rank: 4 }],
  },
  vaeDecoder: {
    file: 'vae_decoder/model.onnx',
    inputs: [{ name: 'latent_sample', types: ['float32', 'float16'], rank: 4 }],
    outputs: [{ name: 'sample', types: ['float32', 'float16'], rank: 4 }],
  },
} as const satisfies Record<string, GraphContract>;

export type GraphName = keyof typeof PIPELINE_CONTRACT;

/** Files besides the graphs that every package needs. */
export const REQUIRED_FILES = [
  'model_index.json',
  'tokenizer/vocab.json',
  'tokenizer/merges.txt',
  'scheduler/scheduler_config.json',
] as const;
