/**
 * Shardy's propagation tests (openxla/shardy, shardy/dialect/sdy/transforms/propagation/test/*.mlir),
 * re-expressed as cases of this project: an input function, and the shardings Shardy's pass gives its
 * arguments and results (null: none). Expected shardings are written `[dims]` on the file's default
 * mesh, or `@mesh_name, [dims]`. `note` says why a case is expected to differ, when it is.
 */
export type ShardyFile = 'basic' | 'aggressive' | 'op-priority' | 'user-priority' | 'pipeline';

export interface ConformanceCase {
  readonly file: ShardyFile;
  /** The function's name in the Shardy test file. */
  readonly name: string;
  readonly func: string;
  readonly args: readonly (string | null)[];
  readonly results: readonly (string | null)[];
  /** The shardings of the returned values themselves (the ops' results), where Shardy's test checks those instead of the function's results. */
  readonly returned?: readonly (string | null)[];
  /** The module's meshes, when not the file's. */
  readonly meshes?: string;
  /** Why this case differs from Shardy on purpose (a deliberate PartIR difference or a known gap). */
  readonly note?: string;
}

export const FILES: Record<ShardyFile, { source: string; pass: string; meshes: string; defaultMesh: string }> = {
  basic: {
    source: 'basic_propagation.mlir', pass: '-sdy-basic-propagate', defaultMesh: 'mesh_a_2_b_2',
    meshes: [
      'sdy.mesh @empty_mesh = <[]>', 'sdy.mesh @mesh_a_3 = <["a"=3]>', 'sdy.mesh @mesh_a_6 = <["a"=6]>',
      'sdy.mesh @mesh_a_2_b_2 = <["a"=2, "b"=2]>', 'sdy.mesh @mesh_a_4_b_2 = <["a"=4, "b"=2]>', 'sdy.mesh @mesh_a_16_b_2 = <["a"=16, "b"=2]>',
      'sdy.mesh @mesh_a_1_b_2_c_1 = <["a"=1, "b"=2, "c"=1]>', 'sdy.mesh @mesh_a_1_b_2_c_1_d_2 = <["a"=1, "b"=2, "c"=1, "d"=2]>',
      'sdy.mesh @mesh_a_2_b_2_c_2 = <["a"=2, "b"=2, "c"=2]>', 'sdy.mesh @mesh_a_4_b_2_c_2 = <["a"=4, "b"=2, "c"=2]>',
    ].join('\n'),
  },
  aggressive: {
    source: 'aggressive_propagation.mlir', pass: '-sdy-aggressive-propagate="propagation-strategy=aggressive"', defaultMesh: 'mesh_a_2_b_2',
    meshes: 'sdy.mesh @empty_mesh = <[]>\nsdy.mesh @mesh_a_4 = <["a"=4]>\nsdy.mesh @mesh_a_2_b_2 = <["a"=2, "b"=2]>\nsdy.mesh @mesh_a_2_b_2_c_2 = <["a"=2, "b"=2, "c"=2]>\nsdy.mesh @mesh_a_2_b_2_c_2_d_2 = <["a"=2, "b"=2, "c"=2, "d"=2]>',
  },
  'op-priority': {
    source: 'op_priority_propagation.mlir', pass: '-sdy-op-priority-propagate', defaultMesh: 'mesh',
    meshes: 'sdy.mesh @mesh = <["a"=2, "b"=2]>',
  },
  'user-priority': {
    source: 'user_priority_propagation.mlir', pass: '-sdy-user-priority-propagate', defaultMesh: 'mesh',
    meshes: 'sdy.mesh @mesh = <["a"=2, "b"=2, "c"=2]>',
  },
  pipeline: {
    source: 'propagation_pipeline.mlir', pass: '-sdy-propagation-pipeline', defaultMesh: 'mesh',
    meshes: 'sdy.mesh @mesh = <["a"=2, "b"=2, "c"=2]>',
  },
};

const T8 = 'tensor<8x8xf32>';

export const CASES: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- user priority
  {
    file: 'user-priority', name: 'no_priorities',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a"}, {"b"}]>}, %arg1: ${T8}, %arg2: ${T8}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.divide %0, %arg2 : ${T8}
  return %1 : ${T8}
}`,
    args: ['[{"a"}, {"b"}]', '[{"a", ?}, {"b", ?}]', '[{"a", ?}, {"b", ?}]'], results: ['[{"a", ?}, {"b", ?}]'],
  },
  {
    file: 'user-priority', name: 'skipped_priorities',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a"}, {"b"}p4]>}, %arg1: ${T8}, %arg2: ${T8}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.divide %0, %arg2 {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{?}, {"c", ?}p1]>]>} : ${T8}
  return %1 : ${T8}
}`,
    args: ['[{"a"}, {"b"}]', '[{"a", ?}, {"c", ?}]', '[{"a", ?}, {"c", ?}]'], results: ['[{"a", ?}, {"c", ?}]'],
  },
  {
    file: 'user-priority', name: 'arg_lower_priority_than_return_value',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a", ?}p1, {"b"}p1]>}, %arg1: ${T8}, %arg2: ${T8}, %arg3: ${T8}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.add %0, %arg2 : ${T8}
  %2 = stablehlo.divide %1, %arg3 {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{"c"}p0, {?}]>]>} : ${T8}
  return %2 : ${T8}
}`,
    args: ['[{"a", ?}, {"b"}]', '[{"c", ?}, {"b", ?}]', '[{"c", ?}, {"b", ?}]', '[{"c", ?}, {"b", ?}]'], results: ['[{"c", ?}, {"b", ?}]'],
  },
  {
    file: 'user-priority', name: 'arg_lower_priority_than_return_value_with_replicated',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a"}p1, {"b"}p1]>}, %arg1: ${T8}, %arg2: ${T8}, %arg3: ${T8})
    -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.add %0, %arg2 : ${T8}
  %2 = stablehlo.divide %1, %arg3 {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{"c"}p0, {?}], replicated={"b"}>]>} : ${T8}
  return %2 : ${T8}
}`,
    args: ['[{"a"}, {"b"}]', '[{"c", ?}, {"b", ?}]', '[{"c", ?}, {"b", ?}]', '[{"c", ?}, {?}]'], results: ['[{"c", ?}, {?}]'],
  },
  {
    file: 'user-priority', name: 'arg_higher_priority_than_return_value',
    func: `func.func @f(%arg0: ${T8}, %arg1: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a"}p0, {"b"}p0]>},
    %arg2: ${T8}, %arg3: ${T8}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.add %0, %arg2 : ${T8}
  %2 = stablehlo.divide %1, %arg3 {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{"c", ?}p1, {?}]>]>} : ${T8}
  return %2 : ${T8}
}`,
    args: ['[{"a", ?}, {"b", ?}]', '[{"a"}, {"b"}]', '[{"a", ?}, {"b", ?}]', '[{?}, {"b", ?}]'], results: ['[{"c", ?}, {"b", ?}]'],
  },
  {
    file: 'user-priority', name: 'result_lower_priority_than_arg',
    func: `func.func @f(%arg0: ${T8}, %arg1: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"c"}p0, {?}]>}, %arg2: ${T8}, %arg3: ${T8})
    -> (${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a", ?}p1, {"b"}p1]>}) {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.add %0, %arg2 : ${T8}
  %2 = stablehlo.divide %1, %arg3 : ${T8}
  return %2 : ${T8}
}`,
    args: ['[{"c", ?}, {"b", ?}]', '[{"c"}, {"b", ?}]', '[{"c", ?}, {"b", ?}]', '[{"c", ?}, {"b", ?}]'], results: ['[{"a", ?}, {"b"}]'],
  },
  {
    file: 'user-priority', name: 'result_higher_priority_than_arg',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"c", ?}p1, {?}]>}, %arg1: ${T8}, %arg2: ${T8}, %arg3: ${T8})
    -> (${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a"}p0, {"b"}p0]>}) {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.add %0, %arg2 : ${T8}
  %2 = stablehlo.divide %1, %arg3 : ${T8}
  return %2 : ${T8}
}`,
    args: ['[{"c", ?}, {"b", ?}]', '[{"a", ?}, {"b", ?}]', '[{"a", ?}, {"b", ?}]', '[{"a", ?}, {"b", ?}]'], results: ['[{"a"}, {"b"}]'],
  },
  {
    file: 'user-priority', name: 'dim_with_lower_priority_gets_further_sharded_by_higher',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"b", ?}p1, {}]>}, %arg1: ${T8}, %arg2: ${T8}, %arg3: ${T8})
    -> (${T8}, ${T8}) {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.add %arg0, %arg2 {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{"b", "a", ?}p0, {}]>]>} : ${T8}
  %2 = stablehlo.divide %0, %arg3 {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{"c", ?}p0, {}]>]>} : ${T8}
  return %1, %2 : ${T8}, ${T8}
}`,
    args: ['[{"b", "a", ?}, {}]', '[{"c", ?}, {?}]', '[{"b", "a", ?}, {?}]', '[{"c", ?}, {?}]'], results: ['[{"b", "a", ?}, {?}]', '[{"c", ?}, {?}]'],
  },
  {
    file: 'user-priority', name: 'different_priorities_with_closed_empty_dim',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a"}p0, {"b"}p0]>}, %arg1: ${T8}, %arg2: ${T8}, %arg3: ${T8}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.add %0, %arg2 {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{"c"}p1, {}]>]>} : ${T8}
  %2 = stablehlo.divide %1, %arg3 : ${T8}
  return %2 : ${T8}
}`,
    args: ['[{"a"}, {"b"}]', '[{"a", ?}, {"b", ?}]', null, '[{"c", ?}, {?}]'], results: ['[{"c", ?}, {?}]'],
  },
  {
    file: 'user-priority', name: 'open_empty_dim_with_priority',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a"}p0, {"b"}p0]>}, %arg1: ${T8}, %arg2: ${T8},
    %arg3: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{?}, {"c"}p0]>}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{?}, {?}p1]>]>} : ${T8}
  %1 = stablehlo.add %0, %arg2 : ${T8}
  %2 = stablehlo.divide %1, %arg3 : ${T8}
  return %2 : ${T8}
}`,
    args: ['[{"a"}, {"b"}]', '[{"a", ?}, {"b", ?}]', '[{"a", ?}, {"c", ?}]', '[{"a", ?}, {"c"}]'], results: ['[{"a", ?}, {"c", ?}]'],
  },
  {
    file: 'user-priority', name: 'different_priorities_from_args',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a"}p0, {?}]>}, %arg1: ${T8},
    %arg2: tensor<8x16xf32> {sdy.sharding = #sdy.sharding<@mesh, [{?}, {"a"}p1]>}) -> tensor<8x16xf32> {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.dot_general %0, %arg2, contracting_dims = [1] x [0] : (${T8}, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %1 : tensor<8x16xf32>
}`,
    args: ['[{"a"}, {?}]', '[{"a", ?}, {?}]', '[{?}, {"a"}]'], results: ['[{"a", ?}, {?}]'],
  },
  // ---------------------------------------------------------------- basic
  {
    file: 'basic', name: 'propagation_barrier_backward_just_arg_sharding',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]>}) -> ${T8} {
  %0 = sdy.propagation_barrier %arg0 allowed_direction=BACKWARD : ${T8}
  return %0 : ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]'], results: [null],
  },
  {
    file: 'basic', name: 'propagation_barrier_backward_just_result_sharding',
    func: `func.func @f(%arg0: ${T8}) -> (${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]>}) {
  %0 = sdy.propagation_barrier %arg0 allowed_direction=BACKWARD : ${T8}
  return %0 : ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]'], results: ['@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]'],
  },
  {
    file: 'basic', name: 'propagation_barrier_backward_two_shardings',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]>}) -> (${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]>}) {
  %0 = sdy.propagation_barrier %arg0 allowed_direction=BACKWARD : ${T8}
  return %0 : ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {"c", ?}]'], results: ['@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]'],
  },
  {
    file: 'basic', name: 'propagation_barrier_backward_multiple_uses',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]>}) -> (${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]>}, ${T8}) {
  %0 = stablehlo.add %arg0, %arg0 : ${T8}
  %1 = sdy.propagation_barrier %0 allowed_direction=BACKWARD : ${T8}
  %2 = stablehlo.add %1, %1 : ${T8}
  %3 = stablehlo.add %1, %1 : ${T8}
  return %2, %3 : ${T8}, ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {"c", ?}]'], results: ['@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]', '@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]'],
  },
  {
    file: 'basic', name: 'propagation_barrier_forward_just_arg_sharding',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]>}) -> ${T8} {
  %0 = sdy.propagation_barrier %arg0 allowed_direction=FORWARD : ${T8}
  return %0 : ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]'], results: ['@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]'],
  },
  {
    file: 'basic', name: 'propagation_barrier_forward_just_result_sharding',
    func: `func.func @f(%arg0: ${T8}) -> (${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]>}) {
  %0 = sdy.propagation_barrier %arg0 allowed_direction=FORWARD : ${T8}
  return %0 : ${T8}
}`,
    args: [null], results: ['@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]'],
  },
  {
    file: 'basic', name: 'propagation_barrier_forward_two_shardings',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]>}) -> (${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]>}) {
  %0 = sdy.propagation_barrier %arg0 allowed_direction=FORWARD : ${T8}
  return %0 : ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]'], results: ['@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {"c", ?}]'],
  },
  {
    file: 'basic', name: 'propagation_barrier_forward_multiple_uses',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]>}) -> (${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]>}, ${T8}) {
  %0 = stablehlo.add %arg0, %arg0 : ${T8}
  %1 = sdy.propagation_barrier %0 allowed_direction=FORWARD : ${T8}
  %2 = stablehlo.add %1, %1 : ${T8}
  %3 = stablehlo.add %1, %1 : ${T8}
  return %2, %3 : ${T8}, ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]'], results: ['@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {"c", ?}]', '@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {"c", ?}]'],
  },
  {
    file: 'basic', name: 'propagation_barrier_none_two_shardings',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]>}) -> (${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]>}) {
  %0 = sdy.propagation_barrier %arg0 allowed_direction=NONE : ${T8}
  return %0 : ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", ?}]'], results: ['@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}]'],
  },
  {
    file: 'basic', name: 'pointwise_size_zero_dim',
    func: `func.func @f(%arg0: tensor<8x0xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a"}, {}]>}) -> tensor<8x0xf32> {
  %0 = stablehlo.add %arg0, %arg0 : tensor<8x0xf32>
  return %0 : tensor<8x0xf32>
}`,
    args: ['@mesh_a_2_b_2, [{"a"}, {}]'], results: [], returned: ['@mesh_a_2_b_2, [{"a", ?}, {?}]'],
  },
  {
    file: 'basic', name: 'pointwise_size_one_axes',
    func: `func.func @f(%arg0: tensor<4x8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_1_b_2_c_1_d_2, [{?}, {"a", "b", "c"}]>}) -> tensor<4x8xf32> {
  %0 = stablehlo.add %arg0, %arg0 {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_1_b_2_c_1_d_2, [{"d"}, {?}]>]>} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}`,
    args: ['@mesh_a_1_b_2_c_1_d_2, [{"d", ?}, {"a", "b", "c"}]'], results: [], returned: ['@mesh_a_1_b_2_c_1_d_2, [{"d"}, {"a", "b", "c", ?}]'],
  },
  {
    file: 'basic', name: 'reshape_size_one_axes',
    func: `func.func @f(%arg0: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_1_b_2_c_1, [{"a", "b", "c"}]>}) -> tensor<2x1x4xf32> {
  %0 = stablehlo.reshape %arg0 : (tensor<8xf32>) -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}`,
    args: ['@mesh_a_1_b_2_c_1, [{"a", "b", "c"}]'], results: [], returned: ['@mesh_a_1_b_2_c_1, [{"a", "b", "c", ?}, {?}, {?}]'],
  },
  {
    file: 'basic', name: 'reshape_merge_dim_only_major_most_factor_sharded',
    func: `func.func @f(%arg0: tensor<2x4xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a"}, {}]>}) -> tensor<8xf32> {
  %0 = stablehlo.reshape %arg0 : (tensor<2x4xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}`,
    args: ['@mesh_a_2_b_2, [{"a"}, {}]'], results: [], returned: ['@mesh_a_2_b_2, [{"a", ?}]'],
  },
  {
    file: 'basic', name: 'reshape_merge_dim_major_factor_fully_sharded',
    func: `func.func @f(%arg0: tensor<2x4xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a"}, {"b"}]>}) -> tensor<8xf32> {
  %0 = stablehlo.reshape %arg0 : (tensor<2x4xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}`,
    args: ['@mesh_a_2_b_2, [{"a"}, {"b"}]'], results: [], returned: ['@mesh_a_2_b_2, [{"a", "b", ?}]'],
  },
  {
    file: 'basic', name: 'reshape_merge_dim_major_factor_partially_sharded',
    func: `func.func @f(%arg0: tensor<4x4xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a"}, {"b"}]>}) -> tensor<16xf32> {
  %0 = stablehlo.reshape %arg0 : (tensor<4x4xf32>) -> tensor<16xf32>
  return %0 : tensor<16xf32>
}`,
    args: ['@mesh_a_2_b_2, [{"a"}, {"b"}]'], results: [], returned: ['@mesh_a_2_b_2, [{"a", ?}]'],
  },
  {
    file: 'basic', name: 'reshape_split_dim_single_axis_fully_shards_major_factor',
    func: `func.func @f(%arg0: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"b", "a"}]>}) -> tensor<2x4xf32> {
  %0 = stablehlo.reshape %arg0 : (tensor<8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}`,
    args: ['@mesh_a_2_b_2, [{"b", "a"}]'], results: [], returned: ['@mesh_a_2_b_2, [{"b", ?}, {"a", ?}]'],
  },
  {
    file: 'basic', name: 'reshape_split_dim_only_major_most_factor_sharded',
    func: `func.func @f(%arg0: tensor<16xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"b", "a"}]>}) -> tensor<4x4xf32> {
  %0 = stablehlo.reshape %arg0 : (tensor<16xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}`,
    args: ['@mesh_a_2_b_2, [{"b", "a"}]'], results: [], returned: ['@mesh_a_2_b_2, [{"b", "a", ?}, {?}]'],
  },
  {
    file: 'basic', name: 'reshape_split_dim_single_axis_shards_both_factors',
    func: `func.func @f(%arg0: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_4_b_2, [{"a"}]>}) -> tensor<2x4xf32> {
  %0 = stablehlo.reshape %arg0 : (tensor<8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}`,
    args: ['@mesh_a_4_b_2, [{"a"}]'], results: [], returned: ['@mesh_a_4_b_2, [{"a":(1)2, ?}, {"a":(2)2, ?}]'],
  },
  {
    file: 'basic', name: 'reshape_split_and_merge_dims',
    func: `func.func @f(%arg0: tensor<8x4xf32> {sdy.sharding = #sdy.sharding<@mesh_a_4_b_2_c_2, [{"c", "a"}, {"b"}]>}) -> tensor<2x16xf32> {
  %0 = stablehlo.reshape %arg0 : (tensor<8x4xf32>) -> tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}`,
    args: ['@mesh_a_4_b_2_c_2, [{"c", "a"}, {"b"}]'], results: [], returned: ['@mesh_a_4_b_2_c_2, [{"c", ?}, {"a", "b", ?}]'],
  },
  {
    file: 'basic', name: 'reshape_size_zero_dim',
    func: `func.func @f(%arg0: tensor<8x0xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a"}, {}]>}) -> tensor<0x4xf32> {
  %0 = stablehlo.reshape %arg0 : (tensor<8x0xf32>) -> tensor<0x4xf32>
  return %0 : tensor<0x4xf32>
}`,
    args: ['@mesh_a_2_b_2, [{"a"}, {}]'], results: [], returned: [null],
  },
  {
    file: 'basic', name: 'propagate_full_to_sub_axis',
    func: `func.func @f(%arg0: tensor<32x8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_4_b_2, [{"a", ?}, {}]>}) -> tensor<32x8xf32> {
  %0 = stablehlo.add %arg0, %arg0 {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_4_b_2, [{"a":(1)2, ?}, {}]>]>} : tensor<32x8xf32>
  return %0 : tensor<32x8xf32>
}`,
    args: ['@mesh_a_4_b_2, [{"a", ?}, {}]'], results: [], returned: ['@mesh_a_4_b_2, [{"a":(1)2, ?}, {}]'],
  },
  {
    file: 'basic', name: 'single_factor_non_divisible',
    func: `func.func @f(%arg0: tensor<2x4xf32> {sdy.sharding = #sdy.sharding<@mesh_a_3, [{}, {"a"}]>}) -> tensor<2x4xf32> {
  %0 = stablehlo.add %arg0, %arg0 : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}`,
    args: ['@mesh_a_3, [{}, {"a"}]'], results: [], returned: ['@mesh_a_3, [{?}, {"a", ?}]'],
  },
  {
    file: 'basic', name: 'single_factor_overflows',
    func: `func.func @f(%arg0: tensor<2x4xf32> {sdy.sharding = #sdy.sharding<@mesh_a_4_b_2, [{"a"}, {}]>}) -> tensor<2x4xf32> {
  %0 = stablehlo.add %arg0, %arg0 : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}`,
    args: ['@mesh_a_4_b_2, [{"a"}, {}]'], results: [], returned: ['@mesh_a_4_b_2, [{"a", ?}, {?}]'],
  },
  {
    file: 'basic', name: 'minor_most_factor_non_divisible',
    func: `func.func @f(%arg0: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_6, [{"a"}]>}) -> tensor<2x4xf32> {
  %0 = stablehlo.reshape %arg0 : (tensor<8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}`,
    args: ['@mesh_a_6, [{"a"}]'], results: [], returned: ['@mesh_a_6, [{"a":(1)2, ?}, {"a":(2)3, ?}]'],
  },
  {
    file: 'basic', name: 'simple',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a"}, {"b"}]>},
                  %arg1: ${T8}, %arg2: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.dot_general %0, %arg2, contracting_dims = [1] x [0] :
    (${T8}, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %1 : tensor<8x16xf32>
}`,
    args: ['[{"a"}, {"b"}]', '[{"a", ?}, {"b", ?}]', '[{"b", ?}, {?}]'], results: ['[{"a", ?}, {?}]'],
  },
  {
    file: 'basic', name: 'propagate_from_multi_result_op',
    func: `func.func @f(%arg0: tensor<4x64x8xf32>, %arg1: tensor<4x64x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
  %1:2 = stablehlo.reduce(%arg0 init: %0), (%arg1 init: %0) across dimensions = [1]
    {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_2_b_2, [{?}, {"b", ?}]>, <@mesh_a_2_b_2, [{?}, {"b", ?}]>]>} :
    (tensor<4x64x8xf32>, tensor<4x64x8xf32>, tensor<f32>, tensor<f32>) -> (tensor<4x8xf32>, tensor<4x8xf32>)
    reducer(%arg2: tensor<f32>, %arg4: tensor<f32>) (%arg3: tensor<f32>, %arg5: tensor<f32>)  {
      %2 = stablehlo.add %arg2, %arg4 : tensor<f32>
      %3 = stablehlo.add %arg3, %arg5 : tensor<f32>
      stablehlo.return %2, %3 : tensor<f32>, tensor<f32>
    }
  return %1#0, %1#1 : tensor<4x8xf32>, tensor<4x8xf32>
}`,
    args: ['[{?}, {?}, {"b", ?}]', '[{?}, {?}, {"b", ?}]'], results: ['[{?}, {"b", ?}]', '[{?}, {"b", ?}]'],
  },
  {
    file: 'basic', name: 'closed_dim',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a"}, {}]>},
                      %arg1: tensor<8x16xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{}, {"b"}]>}) -> tensor<8x16xf32> {
  %0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [0]
    {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_2_b_2, [{}, {?}]>]>} :
    (${T8}, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}`,
    args: ['[{"a"}, {}]', '[{}, {"b"}]'], results: [], returned: ['[{}, {"b", ?}]'],
  },
  {
    file: 'basic', name: 'propagate_from_sharding_constraint',
    func: `func.func @f(%arg0: ${T8}) -> ${T8} {
  %0 = sdy.sharding_constraint %arg0 <@mesh_a_2_b_2, [{"a"}, {?}]> : ${T8}
  %1 = stablehlo.add %0, %0 : ${T8}
  return %1 : ${T8}
}`,
    args: ['[{"a", ?}, {?}]'], results: ['[{"a", ?}, {?}]'],
  },
  {
    file: 'basic', name: 'propagate_to_sharding_constraint',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a"}, {}]>}) -> ${T8} {
  %0 = sdy.sharding_constraint %arg0 <@mesh_a_2_b_2, [{?}, {?}]> : ${T8}
  return %0 : ${T8}
}`,
    args: ['[{"a"}, {}]'], results: [], returned: ['[{"a", ?}, {?}]'],
  },
  {
    file: 'basic', name: 'multi_axes',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"b", "a"}, {}]>},
                      %arg1: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"b", ?}, {}]>},
                      %arg2: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.dot_general %0, %arg2, contracting_dims = [1] x [0] :
    (${T8}, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %1 : tensor<8x16xf32>
}`,
    args: ['[{"b", "a"}, {}]', '[{"b", "a", ?}, {}]', null], results: [], returned: ['[{"b", "a", ?}, {?}]'],
  },
  {
    file: 'basic', name: 'multi_axes_conflict',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"b", "a"}, {}]>},
                               %arg1: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"b", "c"}, {}]>},
                               %arg2: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", "b"}, {}]>})
                              -> (${T8}, ${T8}) {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.add %arg0, %arg2 : ${T8}
  return %0, %1 : ${T8}, ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"b", "a"}, {}]', '@mesh_a_2_b_2_c_2, [{"b", "c"}, {}]', '@mesh_a_2_b_2_c_2, [{"a", "b"}, {}]'],
    results: [], returned: ['@mesh_a_2_b_2_c_2, [{"b", ?}, {?}]', null],
  },
  {
    file: 'basic', name: 'multi_axes_some_axes_incompatible',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a", "b"}, {}]>}, %arg1: ${T8}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_2_b_2, [{?}, {"b", ?}]>]>} : ${T8}
  return %0 : ${T8}
}`,
    args: ['[{"a", "b"}, {}]', '[{"a", ?}, {?}]'], results: [], returned: ['[{"a", ?}, {"b", ?}]'],
  },
  {
    file: 'basic', name: 'multi_axes_all_axes_incompatible',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a", "b"}, {}]>},
                                            %arg1: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{?}, {?}], replicated={"a"}>}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_2_b_2, [{?}, {"b", ?}]>]>} : ${T8}
  return %0 : ${T8}
}`,
    args: ['[{"a", "b"}, {}]', '[{?}, {?}], replicated={"a"}'], results: [], returned: ['[{?}, {"b", ?}]'],
  },
  {
    file: 'basic', name: 'multi_axes_compatible_prefix',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_16_b_2, [{"a", ?}, {?}]>},
                                        %arg1: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_16_b_2, [{"a":(1)2, ?}, {"a":(4)2, ?}]>}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_16_b_2, [{?}, {"b", ?}]>]>} : ${T8}
  return %0 : ${T8}
}`,
    args: ['@mesh_a_16_b_2, [{"a", ?}, {?}]', '@mesh_a_16_b_2, [{"a":(1)4, ?}, {"a":(4)2, ?}]'], results: [], returned: ['@mesh_a_16_b_2, [{"a":(1)4, ?}, {"b", ?}]'],
  },
  {
    file: 'basic', name: 'slice_then_concat',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a", "b"}, {}]>}) -> ${T8} {
  %0 = stablehlo.slice %arg0 [0:1, 0:8] : (${T8}) -> tensor<1x8xf32>
  %1 = stablehlo.slice %arg0 [1:8, 0:8] : (${T8}) -> tensor<7x8xf32>
  %2 = stablehlo.concatenate %1, %0, dim = 0 : (tensor<7x8xf32>, tensor<1x8xf32>) -> ${T8}
  return %2 : ${T8}
}`,
    args: ['[{"a", "b"}, {}]'], results: ['[{"a", "b", ?}, {?}]'],
    note: 'Shardy makes the dim of a concatenate of slices of one tensor a permutation factor; the registry here keeps concatenate and slice dims need-replication/permutation and never propagates through them',
  },
  {
    file: 'basic', name: 'reshape_split_dim_twice',
    func: `func.func @f(%arg0: tensor<32xf32> {sdy.sharding = #sdy.sharding<@mesh_a_16_b_2, [{"a"}]>}) -> tensor<2x4x4xf32> {
  %0 = stablehlo.reshape %arg0 : (tensor<32xf32>) -> tensor<8x4xf32>
  %1 = stablehlo.add %0, %0 : tensor<8x4xf32>
  %2 = stablehlo.reshape %1 : (tensor<8x4xf32>) -> tensor<2x4x4xf32>
  return %2 : tensor<2x4x4xf32>
}`,
    args: ['@mesh_a_16_b_2, [{"a"}]'], results: ['@mesh_a_16_b_2, [{"a":(1)2, ?}, {"a":(2)4, ?}, {"a":(8)2, ?}]'],
  },
  {
    file: 'basic', name: 'reshape_split_dim_then_merge',
    func: `func.func @f(%arg0: tensor<32xf32> {sdy.sharding = #sdy.sharding<@mesh_a_16_b_2, [{"a"}]>}) -> tensor<32xf32> {
  %0 = stablehlo.reshape %arg0 : (tensor<32xf32>) -> tensor<4x2x4xf32>
  %1 = stablehlo.add %0, %0 : tensor<4x2x4xf32>
  %2 = stablehlo.reshape %1 : (tensor<4x2x4xf32>) -> tensor<4x8xf32>
  %3 = stablehlo.add %2, %2 : tensor<4x8xf32>
  %4 = stablehlo.reshape %3 : (tensor<4x8xf32>) -> tensor<32xf32>
  return %4 : tensor<32xf32>
}`,
    args: ['@mesh_a_16_b_2, [{"a"}]'], results: ['@mesh_a_16_b_2, [{"a", ?}]'],
  },
  {
    file: 'basic', name: 'sub_axes_cannot_coexist',
    func: `func.func @f(%arg0: tensor<2x2xf32> {sdy.sharding = #sdy.sharding<@mesh_a_6, [{"a":(1)2}, {}]>})
    -> (tensor<2x2xf32> {sdy.sharding = #sdy.sharding<@mesh_a_6, [{}, {"a":(3)2}]>}) {
  %0 = stablehlo.sine %arg0 : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}`,
    args: ['@mesh_a_6, [{"a":(1)2}, {}]'], results: ['@mesh_a_6, [{}, {"a":(3)2}]'], returned: ['@mesh_a_6, [{?}, {"a":(3)2, ?}]'],
  },
  // ---------------------------------------------------------------- propagation pipeline (shardings closed at the end)
  {
    file: 'pipeline', name: 'split_constants_different_sharding',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a"}, {"b"}]>}) -> (tensor<8x16xf32>, ${T8}) {
  %0 = stablehlo.constant dense<1.000000e+00> : tensor<8x16xf32>
  %1 = stablehlo.dot_general %0, %0, contracting_dims = [1] x [1] : (tensor<8x16xf32>, tensor<8x16xf32>) -> ${T8}
  %2 = stablehlo.add %1, %arg0 : ${T8}
  return %0, %2 : tensor<8x16xf32>, ${T8}
}`,
    args: ['[{"a"}, {"b"}]'], results: [null], returned: [null, '[{"a"}, {"b"}]'],
  },
  {
    file: 'pipeline', name: 'user_priorities',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a", ?}p1, {"b"}p1]>}, %arg1: ${T8}, %arg2: ${T8}, %arg3: ${T8}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.add %0, %arg2 : ${T8}
  %2 = stablehlo.divide %1, %arg3 {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{"c"}p0, {?}]>]>} : ${T8}
  return %2 : ${T8}
}`,
    args: ['[{"a"}, {"b"}]', '[{"c"}, {"b"}]', '[{"c"}, {"b"}]', '[{"c"}, {"b"}]'], results: ['[{"c"}, {"b"}]'],
  },
  {
    file: 'pipeline', name: 'size_zero_dim_sharded',
    func: `func.func @f(%arg0: tensor<8x0xf32>, %arg1: tensor<8x0xf32>) -> tensor<8x0xf32> {
  %0 = stablehlo.add %arg0, %arg1 {sdy.sharding=#sdy.sharding_per_value<[<@mesh, [{}, {"a"}]>]>} : tensor<8x0xf32>
  return %0 : tensor<8x0xf32>
}`,
    args: ['[{}, {"a"}]', '[{}, {"a"}]'], results: [], returned: ['[{}, {"a"}]'],
  },
  {
    file: 'pipeline', name: 'inlined_mesh', meshes: '',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<mesh<["a"=2, "b"=2]>, [{"a"}, {"b"}]>}, %arg1: ${T8}, %arg2: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.dot_general %0, %arg2, contracting_dims = [1] x [0] :
    (${T8}, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %1 : tensor<8x16xf32>
}`,
    args: ['mesh<["a"=2, "b"=2]>, [{"a"}, {"b"}]', 'mesh<["a"=2, "b"=2]>, [{"a"}, {"b"}]', 'mesh<["a"=2, "b"=2]>, [{"b"}, {}]'],
    results: ['mesh<["a"=2, "b"=2]>, [{"a"}, {}]'],
  },
  {
    file: 'pipeline', name: 'sharding_group_on_value_with_sharding_constraint', meshes: 'sdy.mesh @mesh = <["a"=2]>',
    func: `func.func @f(%arg0: tensor<16x16xf32>, %arg1: tensor<16x16xf32>) -> (tensor<16x16xf32>, tensor<16x16xf32>) {
  %0 = stablehlo.add %arg0, %arg0 : tensor<16x16xf32>
  %1 = sdy.sharding_constraint %0 <@mesh, [{}, {"a"}]> :  tensor<16x16xf32>
  %2 = stablehlo.add %arg1, %arg1 : tensor<16x16xf32>
  sdy.sharding_group %0 group_id = 32 : tensor<16x16xf32>
  sdy.sharding_group %2 group_id = 32 : tensor<16x16xf32>
  return %1, %2 : tensor<16x16xf32>, tensor<16x16xf32>
}`,
    args: [], results: [], returned: ['[{}, {"a"}]', '[{}, {"a"}]'],
  },
  {
    file: 'pipeline', name: 'do_not_propagate_manual_axes_to_manual_computation',
    func: `func.func @f(%arg0: tensor<8xf32>) -> tensor<8xf32> {
  %0 = sdy.manual_computation(%arg0) in_shardings=[<@mesh, [{?}]>] out_shardings=[<@mesh, [{?}]>] manual_axes={"b"} (%arg1: tensor<8xf32>) {
    %1 = stablehlo.add %arg1, %arg1 : tensor<8xf32>
    sdy.return %1 : tensor<8xf32>
  } : (tensor<8xf32>) -> tensor<8xf32>
  %1 = stablehlo.sine %0 {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{"a", "b"}]>]>} : tensor<8xf32>
  return %1 : tensor<8xf32>
}`,
    args: ['[{"a"}]'], results: ['[{"a", "b"}]'],
  },
  // ---------------------------------------------------------------- aggressive
  {
    file: 'aggressive', name: 'no_conflict',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a"}, {"b"}]>}, %arg1: ${T8}, %arg2: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  %1 = stablehlo.dot_general %0, %arg2, contracting_dims = [1] x [0] :
    (${T8}, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %1 : tensor<8x16xf32>
}`,
    args: ['[{"a"}, {"b"}]', '[{"a", ?}, {"b", ?}]', '[{"b", ?}, {?}]'], results: ['[{"a", ?}, {?}]'],
  },
  {
    file: 'aggressive', name: 'fake_conflict_between_two_non_contracting_dims',
    func: `func.func @f(%arg0: tensor<256x512xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a", ?}, {?}]>}, %arg1: tensor<128x512xf32>)
    -> (tensor<256x128xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{?}, {"a", ?}]>}) {
  %0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [1] {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_2_b_2, [{?}, {"a", ?}]>]>} :
    (tensor<256x512xf32>, tensor<128x512xf32>) -> tensor<256x128xf32>
  return %0 : tensor<256x128xf32>
}`,
    args: ['[{"a", ?}, {?}]', '[{"a", ?}, {?}]'], results: ['[{?}, {"a", ?}]'],
  },
  {
    file: 'aggressive', name: 'fake_conflict_between_contracting_and_non_contracting_dims',
    func: `func.func @f(%arg0: tensor<256x512xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a"}, {"b", "c"}]>},
    %arg1: tensor<128x512xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"c", "b"}, {"a"}]>}) -> tensor<256x128xf32> {
  %0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [1] : (tensor<256x512xf32>, tensor<128x512xf32>) -> tensor<256x128xf32>
  return %0 : tensor<256x128xf32>
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a"}, {"b", "c"}]', '@mesh_a_2_b_2_c_2, [{"c", "b"}, {"a"}]'], results: ['@mesh_a_2_b_2_c_2, [{"a", ?}, {"c", "b", ?}]'],
  },
  {
    file: 'aggressive', name: 'fake_conflict_closed_dims',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", ?}, {"b"}]>},
    %arg1: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{}, {"b", "c", ?}]>}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  return %0 : ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a", ?}, {"b"}]', '@mesh_a_2_b_2_c_2, [{}, {"b", "c", ?}]'], results: ['@mesh_a_2_b_2_c_2, [{"a", ?}, {"b", "c", ?}]'],
  },
  {
    file: 'aggressive', name: 'real_conflict_within_a_factor',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", ?}, {}]>},
    %arg1: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"b", ?}, {}]>}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  return %0 : ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a", ?}, {}]', '@mesh_a_2_b_2_c_2, [{"b", ?}, {}]'], results: [null],
  },
  {
    file: 'aggressive', name: 'real_and_fake_conflicts',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", ?}, {?}]>},
    %arg1: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"b", ?}, {"a", ?}]>}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  return %0 : ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a", ?}, {?}]', '@mesh_a_2_b_2_c_2, [{"b", ?}, {"a", ?}]'], results: ['@mesh_a_2_b_2_c_2, [{?}, {"a", ?}]'],
  },
  {
    file: 'aggressive', name: 'empty_mesh_replaced_closed_dim_respected',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a"}, {"b"}]>},
    %arg1: ${T8} {sdy.sharding = #sdy.sharding<@empty_mesh, [{?}, {}]>}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  return %0 : ${T8}
}`,
    args: ['[{"a"}, {"b"}]', '[{"a", ?}, {}]'], results: ['[{"a", ?}, {"b", ?}]'],
  },
  {
    file: 'aggressive', name: 'real_conflict_across_factors_same_tensors_size',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a"}, {?}]>},
    %arg1: ${T8} {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{?}, {"a"}]>}) -> ${T8} {
  %0 = stablehlo.add %arg0, %arg1 : ${T8}
  return %0 : ${T8}
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a"}, {?}]', '@mesh_a_2_b_2_c_2, [{?}, {"a"}]'], results: ['@mesh_a_2_b_2_c_2, [{"a", ?}, {?}]'],
  },
  {
    file: 'aggressive', name: 'real_conflict_across_factors_diff_tensors_size',
    func: `func.func @f(%arg0: tensor<8x4xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a", "b"}, {?}]>},
    %arg1: tensor<4x16xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{?}, {"a", "c"}]>}) -> tensor<8x16xf32> {
  %0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [0] : (tensor<8x4xf32>, tensor<4x16xf32>) -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a", "b"}, {?}]', '@mesh_a_2_b_2_c_2, [{?}, {"a", "c"}]'], results: ['@mesh_a_2_b_2_c_2, [{?}, {"a", "c", ?}]'],
  },
  {
    file: 'aggressive', name: 'partial_conflict_across_factors',
    func: `func.func @f(%arg0: tensor<2x8x4xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2, [{"a"}, {"b"}, {}]>}, %arg1: tensor<2x4x16xf32>) -> tensor<2x8x16xf32> {
  %0 = stablehlo.dot_general %arg0, %arg1, batching_dims = [0] x [0], contracting_dims = [2] x [1]
    {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_2_b_2_c_2, [{"a", "b"}, {}, {}]>]>} :
    (tensor<2x8x4xf32>, tensor<2x4x16xf32>) -> tensor<2x8x16xf32>
  return %0 : tensor<2x8x16xf32>
}`,
    args: ['@mesh_a_2_b_2_c_2, [{"a"}, {"b"}, {}]', '@mesh_a_2_b_2_c_2, [{"a", "b", ?}, {?}, {?}]'], results: [], returned: ['@mesh_a_2_b_2_c_2, [{"a", "b"}, {}, {}]'],
  },
  {
    file: 'aggressive', name: 'multiple_conflicts_across_factors',
    func: `func.func @f(%arg0: tensor<2x8x4xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2_d_2, [{?}, {"a", "b"}, {?}]>},
    %arg1: tensor<2x4x16xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2_c_2_d_2, [{?}, {"d", "c"}, {"b", "a"}]>}) -> tensor<2x8x16xf32> {
  %0 = stablehlo.dot_general %arg0, %arg1, batching_dims = [0] x [0], contracting_dims = [2] x [1]
    {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_2_b_2_c_2_d_2, [{"d"}, {?}, {?}]>]>} :
    (tensor<2x8x4xf32>, tensor<2x4x16xf32>) -> tensor<2x8x16xf32>
  return %0 : tensor<2x8x16xf32>
}`,
    args: ['@mesh_a_2_b_2_c_2_d_2, [{"d", ?}, {"a", "b"}, {?}]', '@mesh_a_2_b_2_c_2_d_2, [{?}, {"d", "c"}, {"b", "a"}]'], results: [], returned: ['@mesh_a_2_b_2_c_2_d_2, [{"d"}, {?}, {"b", "a", ?}]'],
  },
  {
    file: 'aggressive', name: 'avoid_sideways_propagation_if_result_is_closed_empty',
    func: `func.func @f(%arg0: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a"}]>}, %arg1: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{?}]>}) -> tensor<8xf32> {
  %0 = stablehlo.add %arg0, %arg1 {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_2_b_2, [{}]>]>} : tensor<8xf32>
  return %0 : tensor<8xf32>
}`,
    args: ['[{"a"}]', '[{?}]'], results: [null],
  },
  {
    file: 'aggressive', name: 'allow_sideways_propagation_if_result_is_open_empty',
    func: `func.func @f(%arg0: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a", "b"}]>}, %arg1: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{?}]>}) -> tensor<8xf32> {
  %0 = stablehlo.add %arg0, %arg1 {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_2_b_2, [{?}]>]>} : tensor<8xf32>
  return %0 : tensor<8xf32>
}`,
    args: ['[{"a", "b"}]', '[{"a", "b", ?}]'], results: ['[{"a", "b", ?}]'],
  },
  {
    file: 'aggressive', name: 'avoid_sideways_propagation_if_result_is_closed_sub_axis',
    func: `func.func @f(%arg0: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_4, [{"a"}]>}, %arg1: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_4, [{?}]>}) -> tensor<8xf32> {
  %0 = stablehlo.add %arg0, %arg1 {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_4, [{"a":(1)2}]>]>} : tensor<8xf32>
  return %0 : tensor<8xf32>
}`,
    args: ['@mesh_a_4, [{"a"}]', '@mesh_a_4, [{"a":(1)2, ?}]'], results: ['@mesh_a_4, [{"a":(1)2, ?}]'],
  },
  {
    file: 'aggressive', name: 'allow_partial_sideways_propagation_if_conflicting_with_result',
    func: `func.func @f(%arg0: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a", "b"}]>}, %arg1: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{?}]>}) -> tensor<8xf32> {
  %0 = stablehlo.add %arg0, %arg1 {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_2_b_2, [{"a"}]>]>} : tensor<8xf32>
  return %0 : tensor<8xf32>
}`,
    args: ['[{"a", "b"}]', '[{"a", ?}]'], results: ['[{"a", ?}]'],
  },
  {
    file: 'aggressive', name: 'allow_sideways_propagation_if_result_fully_matches',
    func: `func.func @f(%arg0: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{"a", "b"}]>}, %arg1: tensor<8xf32> {sdy.sharding = #sdy.sharding<@mesh_a_2_b_2, [{?}]>}) -> tensor<8xf32> {
  %0 = stablehlo.add %arg0, %arg1 {sdy.sharding = #sdy.sharding_per_value<[<@mesh_a_2_b_2, [{"a", "b"}]>]>} : tensor<8xf32>
  return %0 : tensor<8xf32>
}`,
    args: ['[{"a", "b"}]', '[{"a", "b", ?}]'], results: ['[{"a", "b", ?}]'],
  },
  {
    file: 'user-priority', name: 'different_priorities_from_ops',
    func: `func.func @f(%arg0: ${T8}, %arg1: ${T8}, %arg2: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %0 = stablehlo.add %arg0, %arg0 {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{?}, {"a"}p1]>]>} : ${T8}
  %1 = stablehlo.add %0, %arg1 : ${T8}
  %2 = stablehlo.dot_general %1, %arg2, contracting_dims = [1] x [0] {sdy.sharding = #sdy.sharding_per_value<[<@mesh, [{"a"}p0, {?}]>]>} : (${T8}, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %2 : tensor<8x16xf32>
}`,
    args: ['[{?}, {"a", ?}]', '[{"a", ?}, {?}]', null], results: ['[{"a", ?}, {?}]'], returned: ['[{"a"}, {?}]'],
  },
  {
    file: 'user-priority', name: 'different_sharding_constraint_priorities',
    func: `func.func @f(%arg0: ${T8}, %arg1: ${T8}) -> ${T8} {
  %0 = sdy.sharding_constraint %arg0 <@mesh, [{"a"}p0, {?}]> : ${T8}
  %1 = sdy.sharding_constraint %arg1 <@mesh, [{?}, {"a"}p1]> : ${T8}
  %2 = stablehlo.add %1, %1 : ${T8}
  %3 = stablehlo.add %0, %2 : ${T8}
  return %3 : ${T8}
}`,
    args: ['[{"a", ?}, {?}]', '[{?}, {"a", ?}]'], results: ['[{"a", ?}, {?}]'],
  },
  {
    file: 'user-priority', name: 'user_based_and_op_based',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a", ?}p1, {?}]>},
    %arg1: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a", ?}p0, {"b", ?}p0]>})
    -> (${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"b", ?}p0, {?}]>}) {
  %0 = stablehlo.add %arg0, %arg0 : ${T8}
  %1 = stablehlo.dot_general %0, %arg1, contracting_dims = [1] x [0] : (${T8}, ${T8}) -> ${T8}
  %2 = stablehlo.add %1, %1 : ${T8}
  %3 = stablehlo.add %2, %2 : ${T8}
  return %3 : ${T8}
}`,
    args: ['[{"a", ?}, {?}]', '[{"a", ?}, {"b", ?}]'], results: ['[{"b", ?}, {?}]'],
  },
  // ---------------------------------------------------------------- op priority
  {
    file: 'op-priority', name: 'element_wise_over_dot_general',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a", ?}, {?}]>}, %arg1: ${T8}) -> (${T8} {sdy.sharding = #sdy.sharding<@mesh, [{?}, {"a", ?}]>}) {
  %0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [0] : (${T8}, ${T8}) -> ${T8}
  %1 = stablehlo.add %0, %0 : ${T8}
  %2 = stablehlo.add %1, %1 : ${T8}
  return %2 : ${T8}
}`,
    args: ['[{"a", ?}, {?}]', '[{?}, {"a", ?}]'], results: ['[{?}, {"a", ?}]'],
  },
  {
    file: 'op-priority', name: 'element_wise_over_dot_general_flipped_op_order',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a", ?}, {?}]>}, %arg1: ${T8}) -> (${T8} {sdy.sharding = #sdy.sharding<@mesh, [{?}, {"a", ?}]>}) {
  %0 = stablehlo.add %arg0, %arg0 : ${T8}
  %1 = stablehlo.add %arg1, %arg1 : ${T8}
  %2 = stablehlo.dot_general %0, %1, contracting_dims = [1] x [0] : (${T8}, ${T8}) -> ${T8}
  return %2 : ${T8}
}`,
    args: ['[{"a", ?}, {?}]', '[{?}, {"a", ?}]'], results: ['[{?}, {"a", ?}]'],
  },
  {
    file: 'op-priority', name: 'sharding_constraint_propagated',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a", ?}, {?}]>}, %arg1: ${T8}) -> ${T8} {
  %0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [0] : (${T8}, ${T8}) -> ${T8}
  %1 = stablehlo.add %0, %0 : ${T8}
  %2 = stablehlo.add %1, %1 : ${T8}
  %3 = sdy.sharding_constraint %2 <@mesh, [{?}, {"a", ?}]> : ${T8}
  return %3 : ${T8}
}`,
    args: ['[{"a", ?}, {?}]', '[{?}, {"a", ?}]'], results: ['[{?}, {"a", ?}]'],
  },
  {
    file: 'op-priority', name: 'chained_dot_generals',
    func: `func.func @f(%arg0: ${T8} {sdy.sharding = #sdy.sharding<@mesh, [{"a", ?}, {?}]>}, %arg1: ${T8}) -> (${T8} {sdy.sharding = #sdy.sharding<@mesh, [{?}, {"a", ?}]>}) {
  %0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [0] : (${T8}, ${T8}) -> ${T8}
  %1 = stablehlo.dot_general %0, %0, contracting_dims = [1] x [0] : (${T8}, ${T8}) -> ${T8}
  %2 = stablehlo.add %1, %1 : ${T8}
  %3 = stablehlo.add %2, %2 : ${T8}
  return %3 : ${T8}
}`,
    args: ['[{"a", ?}, {?}]', null], results: ['[{?}, {"a", ?}]'],
  },
  {
    file: 'op-priority', name: 'unknown_op',
    func: `func.func @f(%arg0: tensor<4x1x256xf32> {sdy.sharding = #sdy.sharding<@mesh, [{"a", ?}, {?}, {?}]>}, %arg1: tensor<4x1x256xf32>, %arg2: tensor<4x1x256xf32>) -> tensor<4x3x256xf32> {
  %0 = stablehlo.concatenate %arg0, %arg1, %arg2, dim = 1 : (tensor<4x1x256xf32>, tensor<4x1x256xf32>, tensor<4x1x256xf32>) -> tensor<4x3x256xf32>
  return %0 : tensor<4x3x256xf32>
}`,
    args: ['[{"a", ?}, {?}, {?}]', '[{"a", ?}, {?}, {?}]', '[{"a", ?}, {?}, {?}]'], results: ['[{"a", ?}, {?}, {?}]'],
  },
  {
    file: 'op-priority', name: 'pass_through_factor_higher_priority_than_reduction_factor',
    func: `func.func @f(%arg0: tensor<32x1024xf32>, %arg1: tensor<1024x16xf32> {sdy.sharding = #sdy.sharding<@mesh, [{"a", ?}, {"b", ?}]>})
    -> (tensor<32x16xf32> {sdy.sharding = #sdy.sharding<@mesh, [{"a", ?}, {"b", ?}]>}) {
  %0 = stablehlo.dot %arg0, %arg1, precision = [DEFAULT, DEFAULT] : (tensor<32x1024xf32>, tensor<1024x16xf32>) -> tensor<32x16xf32>
  return %0 : tensor<32x16xf32>
}`,
    args: ['[{"a", ?}, {?}]', '[{"a", ?}, {"b", ?}]'], results: ['[{"a", ?}, {"b", ?}]'],
  },
  {
    file: 'op-priority', name: 'broadcast_forward_higher_priority_than_backwards',
    func: `func.func @f(%arg0: tensor<32xf32> {sdy.sharding = #sdy.sharding<@mesh, [{"a"}]>}) -> (tensor<32x16x8xf32> {sdy.sharding = #sdy.sharding<@mesh, [{}, {"a"}, {}]>}) {
  %0 = stablehlo.broadcast_in_dim %arg0, dims = [0] : (tensor<32xf32>) -> tensor<32x16xf32>
  %1 = stablehlo.broadcast_in_dim %0, dims = [0, 1] : (tensor<32x16xf32>) -> tensor<32x16x8xf32>
  return %1 : tensor<32x16x8xf32>
}`,
    args: ['[{"a"}]'], results: ['[{}, {"a"}, {}]'],
  },
];
