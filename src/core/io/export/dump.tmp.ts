import { writeFileSync } from 'node:fs';
import { runPipeline } from '../../pipeline';
import { exportJax } from './jax';
import { BP_MP_Z3, tinyTransformerConfig } from './fixtures';
const c = tinyTransformerConfig(BP_MP_Z3);
writeFileSync('/tmp/h12/out.py', exportJax(runPipeline(c), c));
