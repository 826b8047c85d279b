import { buildZooModel } from '/work/main/src/core/models/zoo';
const p = { layers: 96, dModel: 12288, heads: 96, dFF: 49152, seq: 2048, vocab: 50257, batch: 512, precision: 'mixed', optimizer: 'adam' };
for (let i = 0; i < 4; i++) { const t = performance.now(); const prog = buildZooModel('transformer', p); console.log(prog.ops.length, (performance.now() - t).toFixed(0), 'ms'); }
