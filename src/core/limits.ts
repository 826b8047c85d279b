/**
 * The sizes the explorer accepts, in one place (README "Limits" lists them). Each is far above what a
 * real configuration reaches and low enough that what is allowed finishes in seconds; beyond it the
 * input is refused with one message naming the limit, instead of hanging, exhausting memory or
 * overflowing the stack. `npm run bench:hostile` measures inputs at and past these limits.
 */

/** Characters in a link's fragment (browsers keep URLs up to ~2 MB). */
export const MAX_FRAGMENT_CHARS = 2_000_000;

/** Bytes a link's configuration may inflate to (a real one is a few KiB; DEFLATE expands up to ~1000×). */
export const MAX_INFLATED_BYTES = 8 * 1024 * 1024;

/** Ops in a program, built or imported: GPT-3's 96 layers make ~46k ops in a training step. */
export const MAX_PROGRAM_OPS = 100_000;

/** Inputs of a program (parameters, optimizer state, data): GPT-3's 96 layers have ~4,600 in a training step. */
export const MAX_PROGRAM_INPUTS = 20_000;

/** Characters of tactic text (a real schedule is a few hundred). */
export const MAX_TACTIC_CHARS = 100_000;

/** Statements in the tactic text. */
export const MAX_TACTIC_STATEMENTS = 1_000;

/** Tactics a schedule applies (a real one applies one to a few per mesh axis; each is a propagation pass). */
export const MAX_SCHEDULE_TACTICS = 64;

/** Brackets nested inside one another in tactic text. */
export const MAX_NESTING = 100;

/** Brackets nested inside one another in a StableHLO module (each region level of control flow adds two or three). */
export const MAX_MODULE_NESTING = 256;

/** Characters of an imported StableHLO module (JAX prints a 96-layer model in a few MiB). */
export const MAX_MODULE_CHARS = 32 * 1024 * 1024;
