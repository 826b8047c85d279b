/** The Config of docs/architecture.md §2: the one document the URL, the CLI, the UI and the tests share. */

export const CONFIG_VERSION = 1;

export type LinkKind = 'ici' | 'nvlink' | 'ib' | 'dcn';
export const LINK_KINDS: readonly LinkKind[] = ['ici', 'nvlink', 'ib', 'dcn'];

export type HardwarePresetId =
  | 'tpu-v3' | 'tpu-v4' | 'tpu-v5e' | 'tpu-v5p' | 'tpu-v6e' | 'a100-40gb' | 'a100-80gb' | 'h100' | 'h200';
export const HARDWARE_PRESET_IDS: readonly HardwarePresetId[] = [
  'tpu-v3', 'tpu-v4', 'tpu-v5e', 'tpu-v5p', 'tpu-v6e', 'a100-40gb', 'a100-80gb', 'h100', 'h200',
];

export type ModelParams = Record<string, number | string | boolean>;

export type ModelSpec = { zoo: string; params?: ModelParams } | { stablehlo: string };

export interface HardwareSpec {
  preset: HardwarePresetId;
  /** Link kind per mesh axis name. */
  links?: Record<string, LinkKind>;
  /** Overrides of preset figures (peak FLOP/s, HBM, link bandwidth/latency…), by field name. */
  overrides?: Record<string, number>;
}

export interface Config {
  version: number;
  model: ModelSpec;
  mesh: { axes: { name: string; size: number }[] };
  hardware: HardwareSpec;
  tactics: string;
  options?: { overlap?: boolean };
}
