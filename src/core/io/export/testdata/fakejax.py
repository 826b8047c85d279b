"""A stand-in for the few JAX calls the exported GPipe uses, over numpy, to run its forward pass where JAX is
not installed (pipelineExport.test.ts). shard_map runs one thread per device of the pipeline axis; ppermute
and psum meet at a barrier. It checks the pipeline's logic (fill steps, masks, direction of the sends), not
JAX's API: only the names the export calls exist here. Derivatives (vjp, value_and_grad) are central finite
differences in float64, so keep the sizes tiny.
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


def _leaves(tree):
    if isinstance(tree, dict):
        return [x for k in tree for x in _leaves(tree[k])]
    if isinstance(tree, (tuple, list)):
        return [x for v in tree for x in _leaves(v)]
    return [np.asarray(tree, dtype=np.float64)]


def _rebuild(tree, flat):
    """`tree` with its leaves read in order from the vector `flat`; returns (new tree, what is left of flat)."""
    if isinstance(tree, dict):
        out = {}
        for k in tree:
            out[k], flat = _rebuild(tree[k], flat)
        return out, flat
    if isinstance(tree, (tuple, list)):
        out = []
        for v in tree:
            x, flat = _rebuild(v, flat)
            out.append(x)
        return type(tree)(out), flat
    n = np.asarray(tree).size
    return flat[:n].reshape(np.shape(tree)), flat[n:]


def vjp(f, *primals, eps=1e-6):
    out = np.asarray(f(*primals), dtype=np.float64)
    flat = np.concatenate([x.ravel() for x in _leaves(primals)])
    jac = np.empty((out.size, flat.size))
    for k in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[k] += eps
        down[k] -= eps
        hi = np.asarray(f(*_rebuild(primals, up)[0])).ravel()
        lo = np.asarray(f(*_rebuild(primals, down)[0])).ravel()
        jac[:, k] = (hi - lo) / (2 * eps)

    def pullback(ct):
        return _rebuild(primals, jac.T @ np.asarray(ct, dtype=np.float64).ravel())[0]

    return out, pullback


def value_and_grad(f):
    def run(x):
        value, pullback = vjp(f, x)
        return value, pullback(np.ones(()))[0]
    return run


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
        def gather(spec, parts):
            if spec == P():
                for r in parts[1:]:
                    for a, b in zip(_leaves(r), _leaves(parts[0])):
                        assert np.allclose(a, b), "an output declared replicated differs between devices"
                return parts[0]
            assert spec == P(name)
            return tree_map(lambda *xs: np.concatenate(xs, axis=0), *parts)

        if isinstance(out_specs, tuple) and not isinstance(out_specs, P):
            return tuple(gather(spec, [r[k] for r in results]) for k, spec in enumerate(out_specs))
        return gather(out_specs, results)

    return run


def install():
    """Registers the stand-in as the modules `jax`, `jax.numpy`, `jax.lax`, ... for the code under test."""
    jax = types.ModuleType("jax")
    jax.lax = types.SimpleNamespace(scan=scan, ppermute=ppermute, psum=psum, axis_index=axis_index,
                                    dynamic_update_index_in_dim=dynamic_update_index_in_dim)
    jax.tree_util = types.SimpleNamespace(tree_map=tree_map)
    jax.vjp, jax.value_and_grad = vjp, value_and_grad
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
