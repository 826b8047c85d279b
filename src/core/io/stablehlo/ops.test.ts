import { describe, expect, it } from 'vitest';
import { runProgram } from '../../interp/reference';
import { importStableHlo } from './import';
import { importOk, moduleText, opsOf, shapeOf, theOp } from './testutil';

const T = (s: string) => `tensor<${s}>`;

describe('element-wise ops', () => {
  const unary: [string, string][] = [
    ['negate', 'negate'], ['exponential', 'exp'], ['log', 'log'], ['tanh', 'tanh'], ['logistic', 'logistic'],
    ['rsqrt', 'rsqrt'], ['sqrt', 'sqrt'], ['abs', 'abs'],
  ];
  it.each(unary)('stablehlo.%s becomes %s', (hlo, kind) => {
    const r = importOk(moduleText([T('4x8xf32')], `%0 = stablehlo.${hlo} %arg0 : tensor<4x8xf32>`, `%0 : ${T('4x8xf32')}`));
    const op = r.program.ops[0];
    expect(op.kind).toBe(kind);
    expect(shapeOf(r.program, op.results[0])).toEqual([4, 8]);
  });
  const binary = ['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'power'];
  it.each(binary)('stablehlo.%s reads two operands', (k) => {
    const r = importOk(moduleText([T('3xf32'), T('3xf32')], `%0 = stablehlo.${k} %arg0, %arg1 : tensor<3xf32>`, `%0 : ${T('3xf32')}`));
    const op = r.program.ops[0];
    expect(op.kind).toBe(k);
    expect(op.operands).toEqual(r.program.inputs);
  });
  it('convert takes its dtype from the result type; i64 maps to i32, i1 to bool', () => {
    const r = importOk(moduleText([T('3xf32')], `
      %0 = stablehlo.convert %arg0 : (tensor<3xf32>) -> tensor<3xbf16>
      %1 = stablehlo.convert %0 : (tensor<3xbf16>) -> tensor<3xi64>
      %2 = stablehlo.convert %1 : (tensor<3xi64>) -> tensor<3xi1>`, `%2 : ${T('3xi1')}`));
    expect(opsOf(r.program, 'convert').map((o) => (o.kind === 'convert' ? o.attrs.dtype : ''))).toEqual(['bf16', 'i32', 'bool']);
  });
  it('compare reads its direction (with JAX\'s double spaces and compare type)', () => {
    const r = importOk(moduleText([T('2x2xi32'), T('2x2xi32')], '%0 = stablehlo.compare  LT, %arg0, %arg1,  SIGNED : (tensor<2x2xi32>, tensor<2x2xi32>) -> tensor<2x2xi1>', `%0 : ${T('2x2xi1')}`));
    const op = theOp(r.program, 'compare');
    expect(op.attrs.direction).toBe('LT');
    expect(r.program.values[op.results[0]].type.dtype).toBe('bool');
  });
  it('select takes a predicate and two branches (short signature)', () => {
    const r = importOk(moduleText([T('4xi1'), T('4xf32'), T('4xf32')], '%0 = stablehlo.select %arg0, %arg1, %arg2 : tensor<4xi1>, tensor<4xf32>', `%0 : ${T('4xf32')}`));
    expect(theOp(r.program, 'select').operands).toEqual(r.program.inputs);
  });
});

describe('structured ops', () => {
  it('dot_general with batching and contracting dims', () => {
    const r = importOk(moduleText([T('2x8x4xf32'), T('2x4x5xf32')],
      '%0 = stablehlo.dot_general %arg0, %arg1, batching_dims = [0] x [0], contracting_dims = [2] x [1], precision = [DEFAULT, DEFAULT] : (tensor<2x8x4xf32>, tensor<2x4x5xf32>) -> tensor<2x8x5xf32>',
      `%0 : ${T('2x8x5xf32')}`));
    const op = theOp(r.program, 'dot_general');
    expect(op.attrs).toEqual({ lhsBatch: [0], rhsBatch: [0], lhsContract: [2], rhsContract: [1] });
    expect(shapeOf(r.program, op.results[0])).toEqual([2, 8, 5]);
  });
  it('a declared result that does not match the operands is an error naming the line', () => {
    const r = importStableHlo(moduleText([T('8x4xf32'), T('4x5xf32')],
      '%0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [0] : (tensor<8x4xf32>, tensor<4x5xf32>) -> tensor<8x6xf32>', `%0 : ${T('8x6xf32')}`));
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0].message).toMatch(/^3:\d+: .*f32\[8,6\].*f32\[8,5\]/);
  });
  it('broadcast_in_dim with dims and a size-1 dim', () => {
    const r = importOk(moduleText([T('1x4xf32')], '%0 = stablehlo.broadcast_in_dim %arg0, dims = [0, 2] : (tensor<1x4xf32>) -> tensor<3x5x4xf32>', `%0 : ${T('3x5x4xf32')}`));
    expect(theOp(r.program, 'broadcast_in_dim').attrs).toEqual({ shape: [3, 5, 4], dims: [0, 2] });
  });
  it('reduce in the short form: applies stablehlo.add across dimensions', () => {
    const r = importOk(moduleText([T('4x6xf32')], `
      %cst = stablehlo.constant dense<0.000000e+00> : tensor<f32>
      %0 = stablehlo.reduce(%arg0 init: %cst) applies stablehlo.add across dimensions = [1] : (tensor<4x6xf32>, tensor<f32>) -> tensor<4xf32>`, `%0 : ${T('4xf32')}`));
    expect(theOp(r.program, 'reduce').attrs).toEqual({ reducer: 'sum', dims: [1] });
    expect(opsOf(r.program, 'add')).toHaveLength(0); // a zero init is the identity
  });
  it('reduce with a region body (max, -inf init written as a bit pattern)', () => {
    const r = importOk(moduleText([T('4x6xf32')], `
      %cst = stablehlo.constant dense<0xFF800000> : tensor<f32>
      %0 = stablehlo.reduce(%arg0 init: %cst) across dimensions = [0] : (tensor<4x6xf32>, tensor<f32>) -> tensor<6xf32>
       reducer(%arg1: tensor<f32>, %arg2: tensor<f32>)  {
        %1 = stablehlo.maximum %arg1, %arg2 : tensor<f32>
        stablehlo.return %1 : tensor<f32>
      }`, `%0 : ${T('6xf32')}`));
    expect(theOp(r.program, 'reduce').attrs).toEqual({ reducer: 'max', dims: [0] });
    expect(theOp(r.program, 'constant').attrs.value).toBe(-Infinity);
    expect(opsOf(r.program, 'maximum')).toHaveLength(0);
  });
  it('reduce with a non-identity init adds it to the result', () => {
    const r = importOk(moduleText([T('2x3xf32')], `
      %cst = stablehlo.constant dense<1.000000e+01> : tensor<f32>
      %0 = stablehlo.reduce(%arg0 init: %cst) applies stablehlo.add across dimensions = [1] : (tensor<2x3xf32>, tensor<f32>) -> tensor<2xf32>`, `%0 : ${T('2xf32')}`));
    const [out] = runProgram(r.program, [new Float32Array([1, 2, 3, 4, 5, 6])]);
    expect(Array.from(out)).toEqual([16, 25]);
  });
  it('transpose, reshape, concatenate', () => {
    const r = importOk(moduleText([T('2x3xf32'), T('2x3xf32')], `
      %0 = stablehlo.transpose %arg0, dims = [1, 0] : (tensor<2x3xf32>) -> tensor<3x2xf32>
      %1 = stablehlo.reshape %0 : (tensor<3x2xf32>) -> tensor<6xf32>
      %2 = stablehlo.reshape %arg1 : (tensor<2x3xf32>) -> tensor<6xf32>
      %3 = stablehlo.concatenate %1, %2, dim = 0 : (tensor<6xf32>, tensor<6xf32>) -> tensor<12xf32>`, `%3 : ${T('12xf32')}`));
    expect(theOp(r.program, 'transpose').attrs.perm).toEqual([1, 0]);
    expect(opsOf(r.program, 'reshape').map((o) => shapeOf(r.program, o.results[0]))).toEqual([[6], [6]]);
    expect(theOp(r.program, 'concatenate').attrs.dim).toBe(0);
    const [out] = runProgram(r.program, [new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([7, 8, 9, 10, 11, 12])]);
    expect(Array.from(out)).toEqual([1, 4, 2, 5, 3, 6, 7, 8, 9, 10, 11, 12]);
  });
  it('slice with start:limit and start:limit:stride', () => {
    const r = importOk(moduleText([T('4x8xf32')], '%0 = stablehlo.slice %arg0 [1:3, 0:8:2] : (tensor<4x8xf32>) -> tensor<2x4xf32>', `%0 : ${T('2x4xf32')}`));
    expect(theOp(r.program, 'slice').attrs).toEqual({ start: [1, 0], limit: [3, 8], stride: [1, 2] });
  });
  it('dynamic_slice and dynamic_update_slice', () => {
    const r = importOk(moduleText([T('4x8xf32'), T('i32'), T('i32')], `
      %0 = stablehlo.dynamic_slice %arg0, %arg1, %arg2, sizes = [2, 3] : (tensor<4x8xf32>, tensor<i32>, tensor<i32>) -> tensor<2x3xf32>
      %1 = stablehlo.dynamic_update_slice %arg0, %0, %arg2, %arg1 : (tensor<4x8xf32>, tensor<2x3xf32>, tensor<i32>, tensor<i32>) -> tensor<4x8xf32>`, `%1 : ${T('4x8xf32')}`));
    expect(theOp(r.program, 'dynamic_slice').attrs.sizes).toEqual([2, 3]);
    expect(theOp(r.program, 'dynamic_update_slice').operands).toHaveLength(4);
  });
  it('iota with its dim and dtype', () => {
    const r = importOk(moduleText([], '%0 = stablehlo.iota dim = 1 : tensor<3x5xi32>', `%0 : ${T('3x5xi32')}`));
    expect(theOp(r.program, 'iota').attrs).toEqual({ shape: [3, 5], dim: 1, dtype: 'i32' });
  });
  it('constants: splat, nested arrays, booleans, hex strings, bf16 bit patterns', () => {
    const r = importOk(moduleText([], `
      %cst = stablehlo.constant dense<1.500000e+00> : tensor<2x2xf32>
      %cst_0 = stablehlo.constant dense<[[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
      %c = stablehlo.constant dense<[true, false]> : tensor<2xi1>
      %cst_1 = stablehlo.constant dense<"0x0000803F00000040"> : tensor<2xf32>
      %cst_2 = stablehlo.constant dense<0xFF80> : tensor<bf16>`, `%cst, %cst_0, %c, %cst_1, %cst_2 : ${T('2x2xf32')}, ${T('2x2xf32')}, ${T('2xi1')}, ${T('2xf32')}, ${T('bf16')}`));
    const cs = opsOf(r.program, 'constant').map((o) => (o.kind === 'constant' ? o.attrs : undefined));
    expect(cs[0]).toMatchObject({ value: 1.5, shape: [2, 2] });
    expect(cs[1]?.data).toEqual([1, 2, 3, 4]);
    expect(cs[2]).toMatchObject({ data: [1, 0], dtype: 'bool' });
    expect(cs[3]?.data).toEqual([1, 2]);
    expect(cs[4]).toMatchObject({ value: -Infinity, dtype: 'bf16' });
  });
  it('convolution with dim_numbers and window attributes', () => {
    const r = importOk(moduleText([T('1x8x8x3xf32'), T('3x3x3x4xf32')],
      '%0 = stablehlo.convolution(%arg0, %arg1) dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f], window = {stride = [2, 1], pad = [[1, 1], [0, 0]], lhs_dilate = [1, 1], rhs_dilate = [1, 1]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64, precision_config = [#stablehlo<precision DEFAULT>, #stablehlo<precision DEFAULT>]} : (tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x4x6x4xf32>',
      `%0 : ${T('1x4x6x4xf32')}`));
    const op = theOp(r.program, 'convolution');
    expect(op.attrs).toMatchObject({
      inputBatch: 0, inputFeature: 3, inputSpatial: [1, 2], kernelInputFeature: 2, kernelOutputFeature: 3, kernelSpatial: [0, 1],
      outputBatch: 0, outputFeature: 3, outputSpatial: [1, 2], strides: [2, 1], padding: [[1, 1], [0, 0]], featureGroupCount: 1,
    });
    expect(shapeOf(r.program, op.results[0])).toEqual([1, 4, 6, 4]);
  });
  it('an embedding gather (JAX\'s index_vector_dim form) becomes a take along axis 0', () => {
    const r = importOk(moduleText([T('10x4xf32'), T('2x3xi32')], `
      %0 = stablehlo.broadcast_in_dim %arg1, dims = [0, 1] : (tensor<2x3xi32>) -> tensor<2x3x1xi32>
      %1 = "stablehlo.gather"(%arg0, %0) <{dimension_numbers = #stablehlo.gather<offset_dims = [2], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 2>, indices_are_sorted = false, slice_sizes = array<i64: 1, 4>}> : (tensor<10x4xf32>, tensor<2x3x1xi32>) -> tensor<2x3x4xf32>`,
      `%1 : ${T('2x3x4xf32')}`));
    const g = theOp(r.program, 'gather');
    expect(g.attrs.axis).toBe(0);
    expect(shapeOf(r.program, g.operands[1])).toEqual([2, 3]);
    const table = Float32Array.from({ length: 40 }, (_, i) => i);
    const [out] = runProgram(r.program, [table, new Float32Array([9, 0, 1, 2, 3, 4])]);
    expect(Array.from(out.slice(0, 8))).toEqual([36, 37, 38, 39, 0, 1, 2, 3]);
  });
  it('a gather that is not a take along one axis stays opaque', () => {
    const r = importOk(moduleText([T('10x4xf32'), T('2x2xi32')],
      '%0 = "stablehlo.gather"(%arg0, %arg1) <{dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0, 1], index_vector_dim = 1>, indices_are_sorted = false, slice_sizes = array<i64: 1, 2>}> : (tensor<10x4xf32>, tensor<2x2xi32>) -> tensor<2x2xf32>',
      `%0 : ${T('2x2xf32')}`));
    expect(r.opaque.map((o) => o.name)).toEqual(['stablehlo.gather']);
    expect(r.diagnostics.some((d) => d.severity === 'warning' && /stablehlo\.gather/.test(d.message))).toBe(true);
  });
  it('a scatter-add (the gradient of a take) becomes scatter along axis 0', () => {
    const r = importOk(moduleText([T('10x4xf32'), T('3x1xi32'), T('3x4xf32')], `
      %0 = "stablehlo.scatter"(%arg0, %arg1, %arg2) <{indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = [1], inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1>, unique_indices = false}> ({
      ^bb0(%arg3: tensor<f32>, %arg4: tensor<f32>):
        %1 = stablehlo.add %arg3, %arg4 : tensor<f32>
        stablehlo.return %1 : tensor<f32>
      }) : (tensor<10x4xf32>, tensor<3x1xi32>, tensor<3x4xf32>) -> tensor<10x4xf32>`, `%0 : ${T('10x4xf32')}`));
    expect(theOp(r.program, 'scatter').attrs.axis).toBe(0);
    expect(r.opaque).toEqual([]);
  });
});

describe('generic form and opaque ops', () => {
  it('reads the generic form of known ops with their properties', () => {
    const r = importOk(moduleText([T('4x6xf32'), T('4x6xf32')], `
      %0 = "stablehlo.add"(%arg0, %arg1) : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<4x6xf32>
      %1 = "stablehlo.transpose"(%0) <{permutation = array<i64: 1, 0>}> : (tensor<4x6xf32>) -> tensor<6x4xf32>
      %2 = "stablehlo.broadcast_in_dim"(%1) <{broadcast_dimensions = array<i64: 1, 2>}> : (tensor<6x4xf32>) -> tensor<2x6x4xf32>
      %3 = "stablehlo.compare"(%2, %2) <{comparison_direction = #stablehlo<comparison_direction GT>}> : (tensor<2x6x4xf32>, tensor<2x6x4xf32>) -> tensor<2x6x4xi1>
      %4 = "stablehlo.dot_general"(%arg0, %arg1) <{dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [0], rhs_contracting_dimensions = [0]>}> : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<6x6xf32>
      %5 = "stablehlo.slice"(%4) <{limit_indices = array<i64: 4, 6>, start_indices = array<i64: 1, 0>, strides = array<i64: 1, 2>}> : (tensor<6x6xf32>) -> tensor<3x3xf32>`,
      `%3, %5 : ${T('2x6x4xi1')}, ${T('3x3xf32')}`));
    expect(theOp(r.program, 'add').operands).toEqual(r.program.inputs);
    expect(theOp(r.program, 'transpose').attrs.perm).toEqual([1, 0]);
    expect(theOp(r.program, 'broadcast_in_dim').attrs.dims).toEqual([1, 2]);
    expect(theOp(r.program, 'compare').attrs.direction).toBe('GT');
    expect(theOp(r.program, 'dot_general').attrs).toEqual({ lhsBatch: [], rhsBatch: [], lhsContract: [0], rhsContract: [0] });
    expect(theOp(r.program, 'slice').attrs).toEqual({ start: [1, 0], limit: [4, 6], stride: [1, 2] });
  });
  it('a generic reduce with a region', () => {
    const r = importOk(moduleText([T('2x3xf32')], `
      %cst = "stablehlo.constant"() <{value = dense<0.000000e+00> : tensor<f32>}> : () -> tensor<f32>
      %0 = "stablehlo.reduce"(%arg0, %cst) <{dimensions = array<i64: 0>}> ({
      ^bb0(%arg1: tensor<f32>, %arg2: tensor<f32>):
        %1 = "stablehlo.add"(%arg1, %arg2) : (tensor<f32>, tensor<f32>) -> tensor<f32>
        "stablehlo.return"(%1) : (tensor<f32>) -> ()
      }) : (tensor<2x3xf32>, tensor<f32>) -> tensor<3xf32>`, `%0 : ${T('3xf32')}`));
    expect(theOp(r.program, 'reduce').attrs).toEqual({ reducer: 'sum', dims: [0] });
  });
  it('custom_call @Sharding is the value itself; other custom_calls and unknown ops are opaque', () => {
    const r = importOk(moduleText([T('4x4xf32')], `
      %0 = stablehlo.custom_call @Sharding(%arg0) {backend_config = "", mhlo.sharding = "{devices=[2,1]<=[2]}"} : (tensor<4x4xf32>) -> tensor<4x4xf32>
      %1 = stablehlo.custom_call @my_kernel(%0) {api_version = 2 : i32, backend_config = "x"} : (tensor<4x4xf32>) -> tensor<4x4xf32>
      %2 = stablehlo.sine %1 : tensor<4x4xf32>
      %3 = stablehlo.add %2, %0 : tensor<4x4xf32>`, `%3 : ${T('4x4xf32')}`));
    expect(r.program.ops.map((o) => o.kind)).toEqual(['custom', 'custom', 'add']);
    expect(r.opaque.map((o) => o.name)).toEqual(['custom_call @my_kernel', 'stablehlo.sine']);
    const custom = r.program.ops[0];
    expect(custom.operands).toEqual([r.program.inputs[0]]); // the Sharding call was dropped
    expect(custom.kind === 'custom' && custom.attrs.resultTypes).toEqual([{ shape: [4, 4], dtype: 'f32' }]);
    expect(r.diagnostics.filter((d) => d.code === 'stablehlo-opaque')).toHaveLength(2);
  });
  it('multi-result ops: %r:2 and %r#1', () => {
    const r = importOk(moduleText([T('4xf32'), T('4xi32')], `
      %0:2 = stablehlo.custom_call @top_k(%arg0, %arg1) : (tensor<4xf32>, tensor<4xi32>) -> (tensor<2xf32>, tensor<2xi32>)
      %1 = stablehlo.negate %0#0 : tensor<2xf32>`, `%1, %0#1 : ${T('2xf32')}, ${T('2xi32')}`));
    expect(r.program.ops[0].results).toHaveLength(2);
    expect(r.program.ops[1].operands).toEqual([r.program.ops[0].results[0]]);
    expect(r.program.outputs[1].value).toBe(r.program.ops[0].results[1]);
  });
  it('while loops and variadic reduces (argmax) are kept whole as opaque ops', () => {
    const r = importOk(moduleText([T('4x6xf32'), T('i32')], `
      %c = stablehlo.constant dense<0> : tensor<i32>
      %0:2 = stablehlo.while(%iterArg = %arg1, %iterArg_0 = %arg0) : tensor<i32>, tensor<4x6xf32>
       cond {
        %2 = stablehlo.compare  LT, %iterArg, %c,  SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
        stablehlo.return %2 : tensor<i1>
      } do {
        %2 = stablehlo.negate %iterArg_0 : tensor<4x6xf32>
        stablehlo.return %iterArg, %2 : tensor<i32>, tensor<4x6xf32>
      }
      %1 = stablehlo.iota dim = 1 : tensor<4x6xi32>
      %cst = stablehlo.constant dense<0xFF800000> : tensor<f32>
      %3:2 = stablehlo.reduce(%0#1 init: %cst), (%1 init: %c) across dimensions = [1] : (tensor<4x6xf32>, tensor<4x6xi32>, tensor<f32>, tensor<i32>) -> (tensor<4xf32>, tensor<4xi32>)
       reducer(%a: tensor<f32>, %c2: tensor<f32>) (%b: tensor<i32>, %d: tensor<i32>)  {
        %5 = stablehlo.compare  GT, %a, %c2,  FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
        %6 = stablehlo.select %5, %a, %c2 : tensor<i1>, tensor<f32>
        %7 = stablehlo.select %5, %b, %d : tensor<i1>, tensor<i32>
        stablehlo.return %6, %7 : tensor<f32>, tensor<i32>
      }`, `%3#1 : ${T('4xi32')}`));
    expect(r.opaque.map((o) => o.name)).toEqual(['stablehlo.while', 'stablehlo.reduce']);
    const [w, , red] = r.program.ops.filter((o) => o.kind !== 'constant');
    expect(w.operands).toEqual([r.program.inputs[1], r.program.inputs[0]]);
    expect(w.results.map((v) => shapeOf(r.program, v))).toEqual([[], [4, 6]]);
    expect(red.operands).toContain(w.results[1]);
    expect(r.program.outputs[0].value).toBe(red.results[1]);
  });
  it('a sharding constraint is an identity op carrying its sharding; an optimization barrier is the values themselves', () => {
    const r = importOk(moduleText([T('8x8xf32'), T('8x8xf32')], `
      %0 = sdy.sharding_constraint %arg0 <@mesh, [{"x"}, {?}]> : tensor<8x8xf32>
      %1:2 = stablehlo.optimization_barrier %0, %arg1 : tensor<8x8xf32>, tensor<8x8xf32>
      %2 = stablehlo.add %1#0, %1#1 : tensor<8x8xf32>`, `%2 : ${T('8x8xf32')}`));
    expect(r.program.ops.map((o) => o.kind)).toEqual(['convert', 'add']);
    expect(r.program.ops[0].scope).toBe('sdy.sharding_constraint');
    expect(r.program.ops[0].operands).toEqual([r.program.inputs[0]]);
    expect(r.program.ops[1].operands).toEqual([r.program.ops[0].results[0], r.program.inputs[1]]);
    const c = r.annotations.find((a) => a.kind === 'constraint');
    expect(c).toMatchObject({ kind: 'constraint', op: 0, value: r.program.ops[0].results[0] });
    expect(c && 'sharding' in c ? c.sharding.sdy?.dims.map((d) => d.closed) : undefined).toEqual([true, false]);
  });
});

describe('ops imported as short compositions', () => {
  const run = (text: string, ins: number[][]) => Array.from(runProgram(importOk(text).program, ins.map((x) => Float32Array.from(x)))[0]);
  it('clamp with scalar bounds', () => {
    const text = moduleText([T('f32'), T('4xf32'), T('f32')], '%0 = stablehlo.clamp %arg0, %arg1, %arg2 : (tensor<f32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>', `%0 : ${T('4xf32')}`);
    expect(run(text, [[-1], [-5, -0.5, 0.5, 5], [1]])).toEqual([-1, -0.5, 0.5, 1]);
    expect(importOk(text).opaque).toEqual([]);
  });
  it('exponential_minus_one and log_plus_one', () => {
    const text = moduleText([T('2xf32')], `
      %0 = stablehlo.exponential_minus_one %arg0 : tensor<2xf32>
      %1 = stablehlo.log_plus_one %0 : tensor<2xf32>`, `%1 : ${T('2xf32')}`);
    expect(run(text, [[0.25, -0.5]]).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([0.25, -0.5]);
  });
  it('not, and, or on booleans', () => {
    const text = moduleText([T('4xi1'), T('4xi1')], `
      %0 = stablehlo.not %arg0 : tensor<4xi1>
      %1 = stablehlo.and %0, %arg1 : tensor<4xi1>
      %2 = stablehlo.or %1, %arg0 : tensor<4xi1>
      %3 = stablehlo.convert %1 : (tensor<4xi1>) -> tensor<4xf32>
      %4 = stablehlo.convert %2 : (tensor<4xi1>) -> tensor<4xf32>
      %5 = stablehlo.concatenate %3, %4, dim = 0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>`, `%5 : ${T('8xf32')}`);
    // a = [0,0,1,1], b = [0,1,0,1]: (!a & b) = [0,1,0,0]; (!a & b) | a = [0,1,1,1]
    expect(run(text, [[0, 0, 1, 1], [0, 1, 0, 1]])).toEqual([0, 1, 0, 0, 0, 1, 1, 1]);
  });
  it('pad with positive and negative edges; interior padding stays opaque', () => {
    const text = moduleText([T('2x3xf32')], `
      %cst = stablehlo.constant dense<9.000000e+00> : tensor<f32>
      %0 = stablehlo.pad %arg0, %cst, low = [1, -1], high = [0, 1], interior = [0, 0] : (tensor<2x3xf32>, tensor<f32>) -> tensor<3x3xf32>`, `%0 : ${T('3x3xf32')}`);
    expect(run(text, [[1, 2, 3, 4, 5, 6]])).toEqual([9, 9, 9, 2, 3, 9, 5, 6, 9]);
    const interior = importOk(text.replace('interior = [0, 0]', 'interior = [1, 0]').replace(/tensor<3x3xf32>/g, 'tensor<4x3xf32>'));
    expect(interior.opaque.map((o) => o.name)).toEqual(['stablehlo.pad']);
  });
  it('a shard_map (sdy.manual_computation) is one opaque op over its operands', () => {
    const r = importOk(moduleText([T('16x32xf32')], `
      %0 = stablehlo.negate %arg0 : tensor<16x32xf32>
      %1 = sdy.manual_computation(%0) in_shardings=[<@mesh, [{"data"}, {}]>] out_shardings=[<@mesh, [{"data"}, {}]>] manual_axes={"data"} (%arg1: tensor<8x32xf32>) {
        %3 = stablehlo.add %arg1, %arg1 : tensor<8x32xf32>
        sdy.return %3 : tensor<8x32xf32>
      } : (tensor<16x32xf32>) -> tensor<16x32xf32>
      %2 = stablehlo.abs %1 : tensor<16x32xf32>`, `%2 : ${T('16x32xf32')}`));
    expect(r.program.ops.map((o) => o.kind)).toEqual(['negate', 'custom', 'abs']);
    expect(r.program.ops[1].operands).toEqual(r.program.ops[0].results);
    expect(r.opaque.map((o) => o.name)).toEqual(['sdy.manual_computation']);
  });
  it('a misspelt stablehlo op is an error (MLIR would not parse it), not an opaque op', () => {
    const r = importStableHlo(moduleText([T('3xf32')], '%0 = stablehlo.negatee %arg0 : tensor<3xf32>', `%0 : ${T('3xf32')}`));
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', range: { line: 3, column: 5 } });
    expect(r.diagnostics[0].message).toMatch(/unknown StableHLO op "stablehlo.negatee"/);
  });
});
