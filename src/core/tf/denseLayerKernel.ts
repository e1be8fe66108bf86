// What the one-kernel dense layers act(x w + b) share (core/tf/wasmDense.ts on wasm, webgpuDense.ts on webgpu): the
// shapes they take and their gradients. Each backend registers its own kernel names and products.
import * as tf from '@tensorflow/tfjs';

/**
 * Rank 2 with a bias [out] (a lone run's MLP), or rank 3 or more with a bias [...lead, 1, out] (a population's
 * [K, 1, out], an ensemble's [N, 1, out] or [K, N, 1, out]) and the same leading axes on x and w; float32.
 */
export function denseShapesFit(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): boolean {
  const p = w.shape[w.shape.length - 1];
  const rank = x.rank;
  const biasFits = rank === 2 ? b.rank === 1 && b.shape[0] === p : rank >= 3 && b.shape.join() === [...x.shape.slice(0, -2), 1, p].join();
  return (
    biasFits &&
    w.rank === rank &&
    x.shape.slice(0, -2).join() === w.shape.slice(0, -2).join() &&
    x.shape[rank - 1] === w.shape[rank - 2] &&
    [x, w, b].every((t) => t.dtype === 'float32')
  );
}

/** op(x) op(y), differentiable, on the backend the layer runs on. */
export type Product = (x: tf.Tensor, y: tf.Tensor, transposeX: boolean, transposeY: boolean) => tf.Tensor;

/**
 * The gradients of a dense kernel `names.dense` (inputs x, w, b; attr relu; output y) and of its relu-gradient kernel
 * `names.reluGrad` (inputs dy, y: dy * step(y)). z = x w + b, y = act(z): dz once (every input's gradient needs it),
 * then each input's only when the engine asks for it.
 */
export function registerDenseGradients(names: { dense: string; reluGrad: string }, product: Product): void {
  const reluGrad = (dy: tf.Tensor, y: tf.Tensor) => tf.engine().runKernel(names.reluGrad, { dy, y } as unknown as tf.NamedTensorMap, {}) as tf.Tensor;
  tf.registerGradient({
    kernelName: names.dense,
    inputsToSave: ['x', 'w'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, w, y] = saved;
      const dz = attrs.relu ? reluGrad(dy as tf.Tensor, y) : (dy as tf.Tensor);
      return {
        x: () => product(dz, w, false, true),
        w: () => product(x, dz, true, false),
        // b [out] for rank 2, [...lead, 1, out] above: dz summed over its rows.
        b: () => tf.sum(dz, dz.rank - 2, dz.rank >= 3),
      };
    },
  });
  tf.registerGradient({
    kernelName: names.reluGrad,
    inputsToSave: ['y'],
    // dz = dy * mask(y) is linear in dy (second-order gradients, e.g. a gradient penalty, pass through it); y only
    // selects, so its gradient is zero, as tfjs's Step's.
    gradFunc: (ddz, [y]) => ({ dy: () => reluGrad(ddz as tf.Tensor, y), y: () => tf.zerosLike(y) }),
  });
}
