"""A stand-in for the few JAX calls the exported GPipe uses, over numpy, to run its forward pass where JAX is
not installed (pipelineExport.test.ts). shard_map runs one thread per device of the pipeline axis; ppermute
and psum meet at a barrier. It checks the pipeline's logic (fill steps, masks, direction of the sends), not
JAX's API: only the names the export calls exist here.
"""
import sys
import threading
import types

import numpy as np

_local = threading.local()


class _Axis:
    def __init__(self, name, size):
        self.name, self.size = name, size
        self.barrier = threading.Barrier(size)
        self.slots = [None] * size


def axis_index(name):
    return _local.axes[name][1]


def _exchange(name, x):
    axis, i = _local.axes[name]
    axis.slots[i] = np.asarray(x)
    axis.barrier.wait()
    got = list(axis.slots)
    axis.barrier.wait()
    return got


def ppermute(x, axis_name, perm):
    got = _exchange(axis_name, x)
    i = axis_index(axis_name)
    src = [s for s, d in perm if d == i]
    return got[src[0]].copy() if src else np.zeros_like(np.asarray(x))


def psum(x, axis_name):
    return sum(_exchange(axis_name, x))


def scan(f, init, xs):
    carry, ys = init, []
    n = len(xs[0]) if isinstance(xs, tuple) else len(xs)
    for k in range(n):
        x = tuple(a[k] for a in xs) if isinstance(xs, tuple) else xs[k]
        carry, y = f(carry, x)
        ys.append(y)
    return carry, (None if all(y is None for y in ys) else np.stack(ys))


def dynamic_update_index_in_dim(operand, update, index, axis):
    assert axis == 0
    out = np.array(operand, copy=True)
    out[int(index)] = update
    return out


def tree_map(f, tree, *rest):
    if isinstance(tree, dict):
        return {k: tree_map(f, v, *(r[k] for r in rest)) for k, v in tree.items()}
    if isinstance(tree, (tuple, list)):
        return type(tree)(tree_map(f, v, *(r[i] for r in rest)) for i, v in enumerate(tree))
    return f(tree, *rest)


class P(tuple):
    def __new__(cls, *names):
        return super().__new__(cls, names)


class Mesh:
    def __init__(self, devices, axis_names):
        self.devices, self.axis_names = np.asarray(devices), tuple(axis_names)


def shard_map(f, mesh, in_specs, out_specs):
    (name,) = mesh.axis_names
    size = mesh.devices.size

    def run(*args):
        axis = _Axis(name, size)
        results, errors = [None] * size, []

        def device(i):
            _local.axes = {name: (axis, i)}
            local = [tree_map(lambda a: np.asarray(a)[i:i + 1], arg) if spec == P(name) else arg for arg, spec in zip(args, in_specs)]
            try:
                results[i] = f(*local)
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)
                axis.barrier.abort()

        threads = [threading.Thread(target=device, args=(i,)) for i in range(size)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        assert out_specs == P()
        for r in results[1:]:
            assert np.allclose(r, results[0]), "an output declared replicated differs between devices"
        return results[0]

    return run


def install():
    """Registers the stand-in as the modules `jax`, `jax.numpy`, `jax.lax`, ... for the code under test."""
    jax = types.ModuleType("jax")
    jax.lax = types.SimpleNamespace(scan=scan, ppermute=ppermute, psum=psum, axis_index=axis_index,
                                    dynamic_update_index_in_dim=dynamic_update_index_in_dim)
    jax.tree_util = types.SimpleNamespace(tree_map=tree_map)
    jax.numpy = np
    experimental = types.ModuleType("jax.experimental")
    sm = types.ModuleType("jax.experimental.shard_map")
    sm.shard_map = shard_map
    mesh_utils = types.ModuleType("jax.experimental.mesh_utils")
    sharding = types.ModuleType("jax.sharding")
    sharding.Mesh, sharding.PartitionSpec, sharding.NamedSharding = Mesh, P, object
    experimental.shard_map, experimental.mesh_utils = sm, mesh_utils
    sys.modules.update({"jax": jax, "jax.numpy": np, "jax.experimental": experimental,
                        "jax.experimental.shard_map": sm, "jax.experimental.mesh_utils": mesh_utils, "jax.sharding": sharding})
