/**
 * The validated error bands the figures carry: how far the simulated step time was from published runs on
 * this chip family, and the peak memory from published memory figures (`npm run validate`, README
 * "Validation"). The figures live in errorBands.ts, which the validate script regenerates; this module maps
 * presets to families and words the bands.
 */
import type { HardwarePresetId } from '../io/config';
import { ERROR_BANDS, MEMORY_ERROR_BAND, type ChipFamily } from './errorBands';

/** Where the validation table is: the README of the repository, section "Validation". */
export const VALIDATION_TABLE = 'README.md#validation';
/**
 * The same table as a page the explorer serves itself (public/validation.html, written by
 * `npm run validate -- --write`): the project names no hosting URL for its README, and the app does not
 * serve the repository, so its links point here.
 */
export const VALIDATION_PAGE = 'validation.html';

/** Which validated family a preset's figures belong to (H200 shares the H100's compute and links). */
const FAMILY: Readonly<Record<HardwarePresetId, ChipFamily>> = {
  'tpu-v3': 'tpu', 'tpu-v4': 'tpu', 'tpu-v5e': 'tpu', 'tpu-v5p': 'tpu', 'tpu-v6e': 'tpu',
  'a100-40gb': 'a100', 'a100-80gb': 'a100', h100: 'h100', h200: 'h100',
};
const FAMILY_NAME: Readonly<Record<ChipFamily, string>> = { a100: 'A100', h100: 'H100', tpu: 'TPU' };

export interface ValidationJson {
  family: ChipFamily;
  /** Published runs of the family the step time was checked against (0: not validated yet). */
  runs: number;
  /** Mean and max absolute relative step-time error on those runs (absent when there are none). */
  meanError?: number;
  maxError?: number;
  /** One line for people, e.g. "±18% on 6 published H100 runs (mean 5.4%)". */
  text: string;
  /** The validation table. */
  table: string;
  /** The same table as a page the explorer serves (VALIDATION_PAGE). */
  page: string;
}

/** A band for a figure that does not depend on the chip (peak memory: counted, not timed). */
export interface MemoryValidationJson {
  /** Published memory figures the simulator was checked against. */
  runs: number;
  meanError: number;
  maxError: number;
  /** One line for people, e.g. "±16% on 13 published memory figures (mean 6.6%)". */
  text: string;
  /** The same, short enough for one line under the peak in the explorer: "±16% on 13 published figures". */
  short: string;
  table: string;
  page: string;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

export function memoryValidationBand(): MemoryValidationJson {
  const b = MEMORY_ERROR_BAND;
  return {
    runs: b.runs, meanError: b.meanError, maxError: b.maxError, table: VALIDATION_TABLE, page: VALIDATION_PAGE,
    text: `±${Math.ceil(b.maxError * 100)}% on ${b.runs} published memory figures (mean ${pct(b.meanError)})`,
    short: `±${Math.ceil(b.maxError * 100)}% on ${b.runs} published figures`,
  };
}

export function validationBand(preset: HardwarePresetId): ValidationJson {
  const family = FAMILY[preset];
  const band = ERROR_BANDS[family];
  const name = FAMILY_NAME[family];
  if (!band || band.runs === 0)
    return { family, runs: 0, text: `not yet validated against published ${name} runs`, table: VALIDATION_TABLE, page: VALIDATION_PAGE };
  return {
    family, runs: band.runs, meanError: band.meanError, maxError: band.maxError, table: VALIDATION_TABLE, page: VALIDATION_PAGE,
    text: `±${Math.ceil(band.maxError * 100)}% on ${band.runs} published ${name} runs (mean ${pct(band.meanError)})`,
  };
}
