#loc1 = loc("x")
#loc2 = loc("params['w1']")
#loc3 = loc("params['w2']")
module @jit_sharded_mlp attributes {mhlo.num_partitions = 4 : i32, mhlo.num_replicas = 1 : i32} {
  sdy.mesh @mesh = <["data"=2, "model"=2]>
  func.func public @main(%arg0: tensor<8x16xf32> {sdy.sharding = #sdy.sharding<@mesh, [{"data"}, {?}]>} loc(#loc1),
                         %arg1: tensor<16x32xf32> {sdy.sharding = #sdy.sharding<@mesh, [{?}, {"model"}p1]>} loc(#loc2),
                         %arg2: tensor<32x16xf32> loc(#loc3))
      -> (tensor<8x16xf32> {jax.result_info = "", sdy.sharding = #sdy.sharding<@mesh, [{"data"}, {}]>}) {
    %0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [0],
        precision = [DEFAULT, DEFAULT] : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32> loc(#loc4)
    %1 = stablehlo.tanh %0 : tensor<8x32xf32> loc(#loc5)
    %2 = sdy.sharding_constraint %1 <@mesh, [{"data", ?}, {"model"}]> : tensor<8x32xf32> loc(#loc6)
    %3 = sdy.propagation_barrier %2 allowed_direction=BACKWARD : tensor<8x32xf32> loc(#loc7)
    %4 = sdy.manual_computation(%3) in_shardings=[<@mesh, [{"data"}, {"model"}]>] out_shardings=[<@mesh, [{"data"}, {"model"}]>]
        manual_axes={"data", "model"} (%arg3: tensor<4x16xf32>) {
      %7 = stablehlo.multiply %arg3, %arg3 : tensor<4x16xf32> loc(#loc8)
      sdy.return %7 : tensor<4x16xf32> loc(#loc8)
    } : (tensor<8x32xf32>) -> tensor<8x32xf32> loc(#loc8)
    %5 = stablehlo.dot_general %4, %arg2, contracting_dims = [1] x [0],
        precision = [DEFAULT, DEFAULT] : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32> loc(#loc9)
    return %5 : tensor<8x16xf32> loc(#loc)
  } loc(#loc)
} loc(#loc)
#loc = loc(unknown)
#loc4 = loc("jit(sharded_mlp)/jit(main)/layer_0/dot_general")
#loc5 = loc("jit(sharded_mlp)/jit(main)/layer_0/tanh")
#loc6 = loc("jit(sharded_mlp)/jit(main)/layer_0/sharding_constraint")
#loc7 = loc("jit(sharded_mlp)/jit(main)/layer_0/propagation_barrier")
#loc8 = loc("jit(sharded_mlp)/jit(main)/shmap_body/square")
#loc9 = loc("jit(sharded_mlp)/jit(main)/layer_1/dot_general")
